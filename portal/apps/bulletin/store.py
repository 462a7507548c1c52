"""Bulletin Board posts and replies in bulletin.db. Everyone reads every post."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from portal import paging
from portal.clock import from_db, to_db
from portal.db import transaction


@dataclass(frozen=True)
class Post:
    id: int
    author_id: int
    title: str
    body: str
    created_at: datetime
    reply_count: int = 0
    edited_at: datetime | None = None
    edited_by: int | None = None
    revision: int = 0  # what an edit form remembers, to tell whether the post changed


@dataclass(frozen=True)
class Reply:
    id: int
    post_id: int
    author_id: int
    body: str
    created_at: datetime


def _post(row: sqlite3.Row) -> Post:
    return Post(
        id=row["id"],
        author_id=row["author_id"],
        title=row["title"],
        body=row["body"],
        created_at=from_db(row["created_at"]),
        reply_count=row["reply_count"],
        edited_at=from_db(row["edited_at"]) if row["edited_at"] else None,
        edited_by=row["edited_by"],
        revision=row["revision"],
    )


_POST_SELECT = """
    SELECT p.*, (SELECT count(*) FROM replies r WHERE r.post_id = p.id) AS reply_count
    FROM posts p
"""


def add_post(conn: sqlite3.Connection, author_id: int, title: str, body: str, now: datetime) -> int:
    """Publish a post; return its id."""
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO posts (author_id, title, body, created_at) VALUES (?, ?, ?, ?)",
            (author_id, title, body, to_db(now)),
        )
    return cur.lastrowid


def edit_post(
    conn: sqlite3.Connection,
    post_id: int,
    editor_id: int,
    title: str,
    body: str,
    now: datetime,
    seen: int,
) -> bool:
    """Change a post's title and text, if it is still at revision `seen`; False when
    someone else changed it meanwhile (nothing is written then)."""
    with transaction(conn):
        cur = conn.execute(
            "UPDATE posts SET title = ?, body = ?, edited_at = ?, edited_by = ?,"
            " revision = revision + 1 WHERE id = ? AND revision = ?",
            (title, body, to_db(now), editor_id, post_id, seen),
        )
    return cur.rowcount == 1


def get_post(conn: sqlite3.Connection, post_id: int) -> Post | None:
    """One post, or None."""
    row = conn.execute(_POST_SELECT + " WHERE p.id = ?", (post_id,)).fetchone()
    return _post(row) if row else None


def latest_posts(conn: sqlite3.Connection, limit: int) -> list[Post]:
    """The newest posts, newest first."""
    return older_posts(conn, paging.NEWEST, limit)


# The board's order, newest first, is the index posts_created (created_at, then the id
# SQLite keeps in every index): a page is read in order from a key, never sorted.
_OLDER = _POST_SELECT + (
    " WHERE (p.created_at, p.id) < (?, ?) ORDER BY p.created_at DESC, p.id DESC LIMIT ?"
)
_NEWER = _POST_SELECT + " WHERE (p.created_at, p.id) > (?, ?) ORDER BY p.created_at, p.id LIMIT ?"


def older_posts(conn: sqlite3.Connection, key: paging.Key, limit: int) -> list[Post]:
    """Posts older than key, newest first."""
    return [_post(row) for row in conn.execute(_OLDER, (*key, limit))]


def newer_posts(conn: sqlite3.Connection, key: paging.Key, limit: int) -> list[Post]:
    """Posts newer than key, oldest first."""
    return [_post(row) for row in conn.execute(_NEWER, (*key, limit))]


def post_key(post: Post) -> paging.Key:
    """Where a page that ends with this post continues."""
    return (to_db(post.created_at), post.id)


def replies(conn: sqlite3.Connection, post_id: int) -> list[Reply]:
    """A post's replies, oldest first."""
    rows = conn.execute(
        "SELECT * FROM replies WHERE post_id = ? ORDER BY created_at, id", (post_id,)
    )
    return [
        Reply(r["id"], r["post_id"], r["author_id"], r["body"], from_db(r["created_at"]))
        for r in rows
    ]


def get_reply(conn: sqlite3.Connection, reply_id: int) -> Reply | None:
    """One reply, or None."""
    r = conn.execute("SELECT * FROM replies WHERE id = ?", (reply_id,)).fetchone()
    if r is None:
        return None
    return Reply(r["id"], r["post_id"], r["author_id"], r["body"], from_db(r["created_at"]))


def add_reply(
    conn: sqlite3.Connection, post_id: int, author_id: int, body: str, now: datetime
) -> int:
    """Reply to a post; return the reply's id."""
    with transaction(conn):
        cur = conn.execute(
            "INSERT INTO replies (post_id, author_id, body, created_at) VALUES (?, ?, ?, ?)",
            (post_id, author_id, body, to_db(now)),
        )
    return cur.lastrowid


def delete_post(conn: sqlite3.Connection, post_id: int) -> None:
    """Delete a post and its replies."""
    with transaction(conn):
        conn.execute("DELETE FROM posts WHERE id = ?", (post_id,))


def delete_reply(conn: sqlite3.Connection, reply_id: int) -> None:
    """Delete one reply."""
    with transaction(conn):
        conn.execute("DELETE FROM replies WHERE id = ?", (reply_id,))


def author_ids(conn: sqlite3.Connection) -> set[int]:
    """Every person id that wrote a post or a reply."""
    rows = conn.execute("SELECT author_id FROM posts UNION SELECT author_id FROM replies")
    return {row[0] for row in rows}
