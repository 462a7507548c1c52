"""Bulletin Board: posts and replies, in bulletin.db."""
