"""One backup or restore at a time, across threads and processes (filelock works on
Windows and POSIX, and a process that dies releases its lock).

A lock file can be deleted or replaced while it is held (POSIX lets anyone with the
folder's rights do it; Windows refuses while it is open): the next run would then lock a
new file and run beside the first, removing its work files. On POSIX the backup folder
itself is locked as well (flock on the folder, taken after the file's lock, in that one
order): a folder is not deleted by someone tidying up stray dot files."""

from __future__ import annotations

import contextlib
import os
import time
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
    deadline = None if wait is None else time.monotonic() + wait
    try:
        lock.acquire(timeout=-1 if wait is None else wait)
    except Timeout:
        raise BackupBusy(running_message(layout)) from None
    try:
        folder = _lock_folder(layout.root, deadline)
    except BaseException:
        lock.release()
        raise
    try:
        with contextlib.suppress(OSError):
            layout.running.write_text(
                f"{who}\t{now.isoformat(timespec='seconds')}\t{os.getpid()}\n", encoding="utf-8"
            )
        yield
    finally:
        with contextlib.suppress(OSError):
            layout.running.unlink()
        if folder is not None:
            os.close(folder)  # closing it releases the folder's lock
        lock.release()


def _lock_folder(root: Path, deadline: float | None) -> int | None:
    """Lock the backup folder itself (POSIX); the handle, or None where there is no flock.
    BackupBusy when another run holds it past the deadline."""
    try:
        import fcntl
    except ImportError:  # Windows: an open lock file cannot be deleted there
        return None
    fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                return fd
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BackupBusy(running_message(Layout(root))) from None
                time.sleep(0.05)
    except BaseException:
        os.close(fd)
        raise


def running_message(layout: Layout) -> str:
    """'A backup is already running (started by alice at 14:02).'"""
    try:
        who, started, _pid = layout.running.read_text(encoding="utf-8").strip().split("\t")
        when = datetime.fromisoformat(started).strftime("%H:%M")
        return f"A backup is already running (started by {who} at {when})."
    except (OSError, ValueError):
        return "A backup is already running."
