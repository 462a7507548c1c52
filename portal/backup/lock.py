"""One backup or restore at a time, across threads and processes (filelock works on
Windows and POSIX, and a process that dies releases its lock)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from portal.backup.errors import BackupBusy
from portal.backup.layout import Layout


def file_lock(path: Path) -> FileLock:
    """The one way the portal makes a cross-process lock file (the backup lock, the
    automatic backup's once-a-day lock, the scheduler's leadership): owner-only, usable
    from any thread, one object per use (filelock's per-path singletons would share a
    lock between unrelated holders in one process)."""
    return FileLock(str(path), mode=0o600, thread_local=False, is_singleton=False)


@contextlib.contextmanager
def exclusive(layout: Layout, who: str, now: datetime, wait: float | None) -> Iterator[None]:
    """Hold the backup lock; `wait` None waits as long as it takes, 0 not at all.
    While held, .backup.running says who holds it, for the message others get."""
    # thread_local=False: the lock object belongs to this call, not to a thread.
    lock = file_lock(layout.lock)
    try:
        lock.acquire(timeout=-1 if wait is None else wait)
    except Timeout:
        raise BackupBusy(running_message(layout)) from None
    try:
        with contextlib.suppress(OSError):
            layout.running.write_text(
                f"{who}\t{now.isoformat(timespec='seconds')}\t{os.getpid()}\n", encoding="utf-8"
            )
        yield
    finally:
        with contextlib.suppress(OSError):
            layout.running.unlink()
        lock.release()


def running_message(layout: Layout) -> str:
    """'A backup is already running (started by alice at 14:02).'"""
    try:
        who, started, _pid = layout.running.read_text(encoding="utf-8").strip().split("\t")
        when = datetime.fromisoformat(started).strftime("%H:%M")
        return f"A backup is already running (started by {who} at {when})."
    except (OSError, ValueError):
        return "A backup is already running."
