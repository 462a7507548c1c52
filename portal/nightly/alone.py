"""One process at a time for a nightly job: the job's lock file in the backup folder,
taken without waiting. Several processes tick (IIS recycling, a web garden, cron's
`backup run --if-due`); the one that holds the lock checks whether the job is due and
runs it, the others go on (their next tick sees it done)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from filelock import Timeout

from portal.backup.layout import Layout
from portal.backup.lock import file_lock


@contextlib.contextmanager
def alone(layout: Layout, lock_name: str) -> Iterator[bool]:
    """True inside the block when this process holds the job's lock; False when another
    process is at the job."""
    lock = file_lock(layout.job_lock(lock_name))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
