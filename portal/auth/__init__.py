"""Logging in and out: the Office-style login page, server-side sessions and the
brute-force throttle."""
