"""The automatic backup job: one function, called by the scheduler every minute and by
`backup run --if-due`. A lock file around check-and-run makes it one run per day even
when several processes (IIS recycling, a web garden, cron) try at the same moment."""

from __future__ import annotations

import os
from dataclasses import dataclass

from portal.backup import BackupError
from portal.data_backup import records
from portal.data_backup.service import DataBackup
from portal.db import open_data_file
from portal.instance import Instance
from portal.nightly import rules, store
from portal.nightly.alone import alone

WHO = "scheduler"


@dataclass(frozen=True)
class JobOutcome:
    ran: bool
    ok: bool = True
    message: str = ""


def run_if_due(instance: Instance, service: DataBackup, who: str = WHO) -> JobOutcome:
    """Run today's automatic backup if it is due; record how it went."""
    with alone(service.layout, ".automatic.lock") as mine:
        if not mine:
            return JobOutcome(False, message="being run by another process")
        clock = instance.clock
        now = clock.now()
        with open_data_file("system.db", instance) as conn:
            setting = store.get_setting(conn)
            if not rules.is_due(setting, records.run_on(conn, now.date()), now):
                return JobOutcome(False, message="not due")
        try:
            # The Backup history names the process that made the run (a portal process
            # or the operating system's task), for sites that set up both.
            service.run_backup(
                None, who, wait=None, why=f"the automatic backup, process {os.getpid()}"
            )
        except BackupError as exc:
            outcome = JobOutcome(True, ok=False, message=str(exc))
        else:
            outcome = JobOutcome(True, message="done")
        with open_data_file("system.db", instance) as conn:
            records.record_run(
                conn,
                now.date(),
                clock.now(),
                "ok" if outcome.ok else "failed",
                "" if outcome.ok else outcome.message,
            )
        return outcome
