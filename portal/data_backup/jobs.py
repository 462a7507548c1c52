"""Backups that run in the background while the browser shows their progress, so no
request waits minutes (IIS cuts requests off after 2 minutes). One job at a time per
process; across processes the engine's lock keeps it to one run."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from portal.backup import BackupBusy, BackupError, RunResult
from portal.data_backup.service import DataBackup

KEEP_FINISHED = 20


@dataclass
class BackupJob:
    """One backup run started from the web: its progress, then its result."""

    id: str
    who: str
    started_at: datetime
    next_url: str
    state: str = "running"  # running, done, failed, busy
    fractions: dict[str, float] = field(default_factory=dict)
    weights: dict[str, int] = field(default_factory=dict)
    result: RunResult | None = None
    message: str | None = None

    @property
    def percent(self) -> int:
        """Overall progress, each data file weighing as much as its size. 100 only when
        the run is over: after the last page is copied, the copies are still checked and
        the generations rotated, so a running backup shows at most 99."""
        if self.state == "done":
            return 100
        total = sum(self.weights.get(name, 1) for name in self.fractions)
        if not total:
            return 0
        done = sum(f * self.weights.get(name, 1) for name, f in self.fractions.items())
        return min(99, int(100 * done / total))

    def as_json(self) -> dict:
        return {
            "state": self.state,
            "percent": self.percent,
            "files": {name: round(f, 3) for name, f in self.fractions.items()},
            "message": self.message,
        }


def _nothing() -> None:
    return None


class JobBoard:
    """The jobs of this process, for one Data Backup service (create_app makes one)."""

    def __init__(self, service: DataBackup) -> None:
        self.service = service
        # Run first in each job's thread. A serving entry point may set it: `python -m
        # portal` puts the thread back on every core (portal/cores.py pins the request
        # threads it is started from). The service itself knows nothing of cores.
        self.thread_start: Callable[[], None] = _nothing
        self._lock = threading.Lock()
        self._jobs: dict[str, BackupJob] = {}

    def running(self) -> BackupJob | None:
        """The job running now, if any."""
        with self._lock:
            return next((j for j in self._jobs.values() if j.state == "running"), None)

    def get(self, job_id: str) -> BackupJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start(
        self,
        who: str,
        user_id: int | None,
        next_url: str,
        sizes: dict[str, int],
    ) -> BackupJob:
        """Start a backup of the data files in `sizes` (name: bytes) in the background,
        or return the one already running (two members pressing Backup share one run)."""
        with self._lock:
            current = next((j for j in self._jobs.values() if j.state == "running"), None)
            if current is not None:
                return current
            job = BackupJob(
                id=secrets.token_urlsafe(12),
                who=who,
                started_at=self.service.clock.now(),
                next_url=next_url,
                fractions=dict.fromkeys(sizes, 0.0),
                weights=dict(sizes),
            )
            self._jobs[job.id] = job
            self._forget_old()
        thread = threading.Thread(
            target=self._run,
            args=(job, user_id, list(sizes)),
            name=f"backup-{job.id}",
            daemon=True,
        )
        thread.start()
        return job

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.state != "running"]
        for job in sorted(finished, key=lambda j: j.started_at)[:-KEEP_FINISHED]:
            del self._jobs[job.id]

    def _run(self, job: BackupJob, user_id: int | None, names: list[str]) -> None:
        self.thread_start()

        def progress(name: str, done: int, total: int) -> None:
            job.fractions[name] = done / total if total else 1.0

        try:
            result = self.service.run_backup(
                names, job.who, user_id=user_id, progress=progress, wait=0
            )
        except BackupBusy as exc:
            job.message, job.state = str(exc), "busy"
        except BackupError as exc:
            job.message, job.state = str(exc), "failed"
        except Exception:  # a bug must not leave the page spinning forever
            self.service.logger.exception("backup job %s failed", job.id)
            job.message = "The backup stopped on an unexpected error; see the server log."
            job.state = "failed"
        else:
            job.result = result
            job.fractions = dict.fromkeys(job.fractions, 1.0)
            job.state = "done"
