"""A restore of system.db brings back the copy's people, passwords, groups and settings,
but never the past's security state: the sessions, the audit log and the login throttle
stay as they were at the moment of the restore, and no id anyone has had is given again.
They are read back from the safety copy, which is the live file as it was just before
the restore. So a session that was ended stays ended, a locked name stays locked, and a
restore never erases history."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from portal.clock import to_db
from portal.db import transaction

# The present's rows, put back after the copy is migrated to this portal's schema (the
# safety copy already has it). A migration that adds a column to one of these tables
# adds it here too (tests/test_restore_system_db.py checks that every column is carried).
KEEP_THE_PRESENT = (
    "DELETE FROM main.sessions",
    "INSERT INTO main.sessions (token_hash, user_id, created_at, expires_at, elevated_until)"
    " SELECT token_hash, user_id, created_at, expires_at, elevated_until FROM present.sessions"
    " WHERE user_id IN (SELECT id FROM main.users)",
    "DELETE FROM main.audit_log",
    "INSERT INTO main.audit_log (id, at, user_id, actor, action, detail, remote_addr)"
    " SELECT id, at, user_id, actor, action, detail, remote_addr FROM present.audit_log",
    "DELETE FROM main.login_failures",
    "INSERT INTO main.login_failures (id, login_key, at, remote_addr)"
    " SELECT id, login_key, at, remote_addr FROM present.login_failures",
    "DELETE FROM main.login_lockouts",
    "INSERT INTO main.login_lockouts (login_key, until)"
    " SELECT login_key, until FROM present.login_lockouts",
    # Ids are never given again: people removed by now, and people added since the copy
    # (gone with the restore, but their to-dos and events keep their id), stay taken.
    "INSERT OR IGNORE INTO main.removed_users (id, login, name, removed_at)"
    " SELECT id, login, name, removed_at FROM present.removed_users"
    " WHERE id NOT IN (SELECT id FROM main.users)",
    "INSERT OR IGNORE INTO main.removed_users (id, login, name, removed_at)"
    " SELECT id, login, name, :now FROM present.users"
    " WHERE id NOT IN (SELECT id FROM main.users)",
)


def keep_the_present(conn: sqlite3.Connection, safety_copy: Path | None, now: datetime) -> bool:
    """Put the present's sessions (of people in the copy), audit log and login throttle
    back into the restored system.db; the people added since the copy are kept as removed
    at `now` (the portal's clock). Without a readable safety copy (the live file was
    missing or damaged) every session ends instead. Returns whether the present was kept."""
    if safety_copy is not None:
        try:
            uri = f"{safety_copy.resolve().as_uri()}?mode=ro&immutable=1"
            conn.execute("ATTACH DATABASE ? AS present", (uri,))
        except sqlite3.Error:
            safety_copy = None
    if safety_copy is None:
        with transaction(conn):
            conn.execute("DELETE FROM sessions")
        return False
    try:
        with transaction(conn):
            for statement in KEEP_THE_PRESENT:
                conn.execute(statement, {"now": to_db(now)})
    except sqlite3.Error:
        with transaction(conn):
            conn.execute("DELETE FROM sessions")
        return False
    finally:
        conn.execute("DETACH DATABASE present")
    return True
