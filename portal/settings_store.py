"""The settings table in system.db: the key-value settings an administrator changes in
the browser (the reminder, the automatic backup, the last verification). Every value is
a JSON object (get_json, put_json); system.db migration 6 converted the older texts."""

from __future__ import annotations

import json
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


def parse_json(text: str | None) -> dict:
    """A stored value as a dict: {} when it is missing or not a JSON object."""
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def get_json(conn: sqlite3.Connection, key: str) -> dict:
    """A stored setting as a dict ({} if never set or unreadable)."""
    return parse_json(get_value(conn, key))


def put_json(conn: sqlite3.Connection, key: str, value: dict) -> None:
    """Store a setting as a JSON object."""
    put_value(conn, key, json.dumps(value, sort_keys=True))
