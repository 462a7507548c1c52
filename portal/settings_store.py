"""The settings table in system.db: the key-value settings an administrator changes in
the browser (the reminder, the automatic backup, the last verification)."""

from __future__ import annotations

import sqlite3

from portal.db import transaction


def get_value(conn: sqlite3.Connection, key: str) -> str | None:
    """A stored setting, or None if it was never set."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row["value"] if row else None


def put_value(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Store a setting, replacing its earlier value."""
    with transaction(conn):
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
