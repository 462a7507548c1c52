"""The automatic backup job: one function, called by the scheduler every minute and by
`backup run --if-due`. A lock file around check-and-run makes it one run per day even
when several processes (IIS recycling, a web garden, cron) try at the same moment."""

from __future__ import annotations

import os
from dataclasses import dataclass

from flask import Flask

from portal import data_backup
from portal.backup import BackupError
from portal.clock import get_clock
from portal.data_backup import records
from portal.db import open_data_file
from portal.nightly import rules, store
from portal.nightly.alone import alone

WHO = "scheduler"


@dataclass(frozen=True)
class JobOutcome:
    ran: bool
    ok: bool = True
    message: str = ""


def run_if_due(app: Flask, who: str = WHO) -> JobOutcome:
    """Run today's automatic backup if it is due; record how it went."""
    with alone(app, ".automatic.lock") as mine:
        if not mine:
            return JobOutcome(False, message="being run by another process")
        clock = get_clock(app)
        now = clock.now()
        with open_data_file("system.db", app) as conn:
            setting = store.get_setting(conn)
            if not rules.is_due(setting, records.run_on(conn, now.date()), now):
                return JobOutcome(False, message="not due")
        try:
            # The Backup history names the process that made the run (a portal process
            # or the operating system's task), for sites that set up both.
            data_backup.of(app).run_backup(
                None, who, wait=None, why=f"the automatic backup, process {os.getpid()}"
            )
        except BackupError as exc:
            outcome = JobOutcome(True, ok=False, message=str(exc))
        else:
            outcome = JobOutcome(True, message="done")
        with open_data_file("system.db", app) as conn:
            records.record_run(
                conn,
                now.date(),
                clock.now(),
                "ok" if outcome.ok else "failed",
                "" if outcome.ok else outcome.message,
            )
        return outcome
