"""The audit entries of Data Backup (runs, restores, verifications, the off-site copy)."""

from __future__ import annotations

import sqlite3

from flask import Flask

from portal import audit
from portal.clock import get_clock
from portal.db import open_data_file


def audit_entry(app: Flask, action: str, actor: str, detail: str, user_id: int | None) -> None:
    """Write an audit entry if system.db takes it: a full disk or a missing system.db
    must not turn a backup (or its failure) into a crash; the log says what was lost."""
    try:
        with open_data_file("system.db", app) as conn:
            now = get_clock(app).now()
            audit.record(conn, now, action, actor, user_id=user_id, detail=detail)
    except sqlite3.Error as exc:
        app.logger.error("audit entry %r (%s) not written: %s", action, detail, exc)
