"""The settings table in system.db: the key-value settings an administrator changes in
the browser (the reminder, the automatic backup, the last verification). Every value is
a JSON object (get_json, put_json); system.db migration 6 converted the older texts."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from portal.db import transaction

# Every key of the settings table, declared here and nowhere else (issue 22: they were
# defined in seven modules). Each holds a JSON object whose shape the module named owns.
REMINDER = "backup_reminder"  # reminder/store.py: Schedule Data Backup, since when on
AUTOMATIC_BACKUP = "backup_automatic"  # nightly/store.py: the automatic backup's switch, time
VERIFY_RESULT = "backup_verify"  # data_backup/service.py: the last verification
AUTOMATIC_VERIFY = "automatic_verify"  # nightly/verify_job.py: the weekly verify's last day
NOTIFY_MAIL = "notify_mail"  # notify/settings.py: the mail for notices, set on the page
NOTIFY_STATE = "notify_state"  # notify/notices.py: what was sent, what is held
OFFSITE_FOLDER = "offsite"  # data_backup/offsite_folder.py: the folder set on the page
OFFSITE_STATUS = "offsite_status"  # data_backup/offsite.py: the last success and failure
OFFSITE_KIT = "offsite_kit"  # data_backup/recovery_kit.py: when the kit was last shown
CLOCK_MISTAKES = "clock_mistakes"  # data_backup/clock_mistake.py: days said a mistake
MEMBERS_BRING_BACK = "members_bring_back"  # bring_back/recently_deleted.py: the switch
ADMIN_PASSWORD_GENERATED = "admin_password_generated"  # noqa: S105 - passwords.py, a key
KEYS = frozenset(
    {
        REMINDER,
        AUTOMATIC_BACKUP,
        VERIFY_RESULT,
        AUTOMATIC_VERIFY,
        NOTIFY_MAIL,
        NOTIFY_STATE,
        OFFSITE_FOLDER,
        OFFSITE_STATUS,
        OFFSITE_KIT,
        CLOCK_MISTAKES,
        MEMBERS_BRING_BACK,
        ADMIN_PASSWORD_GENERATED,
    }
)


def _declared(key: str) -> str:
    if key not in KEYS:
        raise KeyError(f"{key!r} is not a setting declared in portal/settings_store.py")
    return key


def get_value(conn: sqlite3.Connection, key: str) -> str | None:
    """A stored setting, or None if it was never set."""
    _declared(key)
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return row["value"] if row else None


def put_value(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Store a setting, replacing its earlier value."""
    _declared(key)
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


def on_since(stored: dict, key: str, *, on: bool, same_rule: bool, now: datetime | None) -> dict:
    """The "switched on since" entry of a setting (the automatic backup, the reminder),
    the one way it is written: for a setting that is on, the moment it was switched on
    or its rule last changed (`same_rule` False), else the stored moment, kept; nothing
    for a setting that is off. The watch never calls a day before it missed."""
    if not on:
        return {}
    if same_rule and stored.get(key):
        return {key: stored[key]}
    return {key: now.isoformat()} if now is not None else {}
