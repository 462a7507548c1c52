"""The weekly automatic verify: every local and off-site copy re-read and compared with
its record, on AUTOMATIC_VERIFY_WEEKDAY after AUTOMATIC_VERIFY_AT (after the nightly
backup), once that day, across processes; recorded in the Backup history. A problem
sends the damaged-copy notice."""

from __future__ import annotations

from datetime import time

from portal import settings_store
from portal.backup import BackupError
from portal.data_backup import alarms, offsite, trail
from portal.data_backup.service import DataBackup
from portal.db import open_data_file
from portal.instance import Instance
from portal.nightly.alone import alone
from portal.settings_store import get_json, put_json

WHO = "scheduler (weekly verify)"
DONE_KEY = settings_store.AUTOMATIC_VERIFY  # {"last_day": "2026-11-29"}


def is_due(instance: Instance, last_day: str) -> bool:
    now = instance.clock.now()
    at = time.fromisoformat(instance.config["AUTOMATIC_VERIFY_AT"])
    return (
        now.weekday() == int(instance.config["AUTOMATIC_VERIFY_WEEKDAY"])
        and now.time().replace(tzinfo=None) >= at
        and last_day != now.date().isoformat()
    )


def run_if_due(instance: Instance, service: DataBackup) -> bool:
    """Verify if it is due this week; whether it ran."""
    with alone(service.layout, ".verify.lock") as mine:
        if not mine:
            return False
        with open_data_file("system.db", instance) as conn:
            if not is_due(instance, str(get_json(conn, DONE_KEY).get("last_day", ""))):
                return False
            put_json(conn, DONE_KEY, {"last_day": instance.clock.today().isoformat()})
        try:
            service.verify(WHO, wait=None)  # audits, and notifies a problem
        except BackupError as exc:
            trail.audit_entry(instance, "backup verified", WHO, f"not verified: {exc}", None)
        report = offsite.verify(instance)
        if report is not None:
            trail.audit_entry(instance, "backup verified", WHO, report.summary(), None)
            if report.problems:  # not for a share that cannot be reached
                alarms.damaged_copy(instance, WHO, report.summary())
        return True
