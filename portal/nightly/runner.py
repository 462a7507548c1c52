"""The scheduler: a thin APScheduler shell around the jobs in JOBS. It is started only by
the serving entry points (python -m portal, wsgi.py, through portal.startup), never in
tests or flask commands, and only one process at a time works as leader: the one holding
the leadership lock (released by the operating system when that process ends, so another
one takes over). It is handed the instance and the Data Backup service; it knows no
Flask."""

from __future__ import annotations

import atexit
import logging
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.schedulers.background import BackgroundScheduler
from filelock import Timeout

from portal.backup.lock import file_lock
from portal.data_backup import offsite
from portal.data_backup.service import DataBackup
from portal.instance import Instance
from portal.nightly import job, verify_job, watch

log = logging.getLogger(__name__)


def _offsite_retry(instance: Instance, service: DataBackup) -> None:
    offsite.retry_if_behind(service.engine(), instance)


def _watch(instance: Instance, service: DataBackup) -> None:
    watch.check(instance)


# The jobs, as data: (id, function, seconds between runs from the settings). Each
# function takes the instance and the Data Backup service.
JOBS = [
    ("automatic-backup", job.run_if_due, lambda c: c["SCHEDULER_TICK_SECONDS"]),
    ("backup-watch", _watch, lambda c: c["SCHEDULER_TICK_SECONDS"]),
    ("weekly-verify", verify_job.run_if_due, lambda c: c["SCHEDULER_TICK_SECONDS"]),
    ("offsite-retry", _offsite_retry, lambda c: 60 * c["OFFSITE_RETRY_MINUTES"]),
]


class Leadership:
    """A non-blocking lock held for as long as this process leads."""

    def __init__(self, path: Path):
        self._lock = file_lock(path)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def try_take(self) -> bool:
        """Become leader if no live process is."""
        if self._lock.is_locked:
            return True
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return False
        log.info("this process now runs the scheduled jobs")
        return True

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)


@dataclass(frozen=True)
class Nightly:
    """The scheduler of a serving process, and its leadership."""

    scheduler: BackgroundScheduler
    leadership: Leadership

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        self.leadership.release()


def _as_leader(instance: Instance, service: DataBackup, leadership: Leadership, function):
    def run() -> None:
        if not leadership.try_take():
            return
        try:
            function(instance, service)
        except Exception:  # a failed tick must not stop the scheduler
            log.exception("scheduled job failed")

    return run


def _watch_once(instance: Instance) -> None:
    """A serving process that starts tells of a backup missed while none ran (the dead
    man's switch), in the background: a slow mail server must not delay serving."""

    def run() -> None:
        try:
            watch.check(instance)
        except Exception:  # never let a notice stop the portal
            log.exception("the backup watch failed")

    threading.Thread(target=run, name="backup-watch", daemon=True).start()


def start(instance: Instance, service: DataBackup) -> Nightly | None:
    """Start the scheduler for a serving process (unless SCHEDULER_ENABLED is off; the
    watch for missed backups runs once at start either way). portal.startup calls it
    once per app, never in tests."""
    if not instance.config["SCHEDULER_ENABLED"]:
        _watch_once(instance)
        return None
    leadership = Leadership(instance.path / "scheduler.lock")
    scheduler = BackgroundScheduler(daemon=True, timezone=instance.clock.zone)
    for job_id, function, seconds in JOBS:
        # The first tick comes at once: a portal that was down at the set time catches up.
        # APScheduler times its ticks by the real clock (a run time in the past would be
        # a misfire it skips); what a tick does reads the portal's clock (is it due?).
        scheduler.add_job(
            _as_leader(instance, service, leadership, function),
            "interval",
            seconds=seconds(instance.config),
            id=job_id,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
        )
    scheduler.start()
    nightly = Nightly(scheduler, leadership)
    atexit.register(nightly.stop)
    return nightly
