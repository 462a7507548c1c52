"""The weekly automatic verify: every local and off-site copy re-read and compared with
its record, on AUTOMATIC_VERIFY_WEEKDAY after AUTOMATIC_VERIFY_AT (after the nightly
backup), once that day, across processes; recorded in the Backup history. A problem
sends the damaged-copy notice."""

from __future__ import annotations

from datetime import time

from flask import Flask

from portal import data_backup, settings_store
from portal.backup import BackupError
from portal.clock import get_clock
from portal.data_backup import alarms, offsite, trail
from portal.db import open_data_file
from portal.nightly.alone import alone
from portal.settings_store import get_json, put_json

WHO = "scheduler (weekly verify)"
DONE_KEY = settings_store.AUTOMATIC_VERIFY  # {"last_day": "2026-11-29"}


def is_due(app: Flask, last_day: str) -> bool:
    now = get_clock(app).now()
    at = time.fromisoformat(app.config["AUTOMATIC_VERIFY_AT"])
    return (
        now.weekday() == int(app.config["AUTOMATIC_VERIFY_WEEKDAY"])
        and now.time().replace(tzinfo=None) >= at
        and last_day != now.date().isoformat()
    )


def run_if_due(app: Flask) -> bool:
    """Verify if it is due this week; whether it ran."""
    with alone(app, ".verify.lock") as mine:
        if not mine:
            return False
        with open_data_file("system.db", app) as conn:
            if not is_due(app, str(get_json(conn, DONE_KEY).get("last_day", ""))):
                return False
            put_json(conn, DONE_KEY, {"last_day": get_clock(app).today().isoformat()})
        try:
            data_backup.of(app).verify(WHO, wait=None)  # audits, and notifies a problem
        except BackupError as exc:
            trail.audit_entry(app, "backup verified", WHO, f"not verified: {exc}", None)
        report = offsite.verify(app)
        if report is not None:
            trail.audit_entry(app, "backup verified", WHO, report.summary(), None)
            if report.problems:  # not for a share that cannot be reached
                alarms.damaged_copy(app, WHO, report.summary())
        return True
