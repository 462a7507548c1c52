"""Every file-system step of a backup, in one class. It is the seam where the tests
inject faults (a failed write, rename or delete, a full disk, a file held open) and
where every rename, replace, delete and open-for-write waits for a file that another
program holds open (held.py): the `raw_*` methods are the bare steps, the others wrap
them in that patience."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import hashlib
import os
import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

from portal.backup.database_files import database_problem
from portal.backup.held import Patience, retry_held
from portal.backup.layout import is_work_name
from portal.backup.live_steps import LiveSteps

# Pages per step of the online backup: 4 MB with SQLite's default page size. Small
# enough for a smooth progress bar, large enough that stepping costs nothing.
PAGES_PER_STEP = 1024

# How much of a discarded copy is freed at a time (see FileOps.delete_copy).
DELETE_STEP = 32 * 1024 * 1024

Progress = Callable[[int, int], None]  # (pages copied, pages in all)

_WINDOWS = os.name == "nt"


def _linux_sync_file_range():
    """libc's sync_file_range on Linux, else None."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        call = libc.sync_file_range
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_longlong, ctypes.c_longlong, ctypes.c_uint]
    return call


_SYNC_FILE_RANGE = _linux_sync_file_range()
_SYNC_FILE_RANGE_WRITE = 2


def _start_writeback(fd: int) -> None:
    """Send a file's written pages on their way to the disk. On Linux,
    sync_file_range starts the writeback without waiting and keeps the pages cached
    for the checks that follow; elsewhere (Windows, macOS), flush and wait."""
    if _SYNC_FILE_RANGE is not None and _SYNC_FILE_RANGE(fd, 0, 0, _SYNC_FILE_RANGE_WRITE) == 0:
        return
    (getattr(os, "fdatasync", None) or os.fsync)(fd)


def make_private_dir(path: Path) -> None:
    """Create a folder owner-only (0700) if it is missing. An existing folder keeps the
    mode and owner its administrator gave it: it may belong to another account, and
    changing it is not ours to do (a mode that lets others read is reported instead)."""
    if path.is_dir():
        return
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


class FileOps(LiveSteps):
    """The engine's file-system and SQLite steps."""

    patience = Patience()  # the default; subclasses that skip __init__ get it too

    def __init__(self, patience: Patience | None = None):
        if patience is not None:
            self.patience = patience

    # -- the bare steps (a test double makes them fail, or hold a file open) ----------

    def raw_replace(self, source: Path, target: Path) -> None:
        os.replace(source, target)

    def raw_unlink(self, path: Path) -> None:
        path.unlink(missing_ok=True)

    def raw_copy(self, source: Path, target: Path) -> None:
        shutil.copyfile(source, target)

    def raw_truncate(self, path: Path, step: int) -> None:
        """Shrink a file to nothing, `step` bytes at a time (FileNotFoundError if gone)."""
        with open(path, "r+b") as handle:
            size = os.fstat(handle.fileno()).st_size
            while size > 0:
                size = max(0, size - step)
                handle.truncate(size)

    def raw_write_text(self, path: Path, text: str) -> None:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())

    def held(self, action: Callable[[], object], path: Path, doing: str):
        """`action`, with the patience for a file another program holds open."""
        return retry_held(action, path, doing, self.patience)

    def snapshot(self, source: Path, target: Path, progress: Progress | None = None) -> None:
        """Copy a live SQLite database to `target` as one consistent snapshot.

        The source connection opens a read transaction before the first page is copied
        and keeps it until the last: in WAL mode that pins one snapshot, so the copy is
        never torn, writers are never blocked (they append to the WAL), and the stepped
        copy never restarts however busy the writers are. Never a byte-by-byte file copy.
        """
        if not source.exists():
            raise FileNotFoundError(f"the data file {source} does not exist")
        src = sqlite3.connect(source, isolation_level=None, timeout=30)
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            # The copy is made in one go and flushed by us afterwards: no journal needed.
            dst.execute("PRAGMA journal_mode = OFF")
            dst.execute("PRAGMA synchronous = OFF")
            src.execute("BEGIN")
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
            with open(target, "rb+") as flusher:

                def step(_status: int, remaining: int, total: int) -> None:
                    # Write back as we go: one large flush at the end would stall
                    # every writer's commit behind it (they share the disk's journal).
                    _start_writeback(flusher.fileno())
                    if progress:
                        progress(total - remaining, total)

                src.backup(dst, pages=PAGES_PER_STEP, progress=step)
            src.execute("COMMIT")
            # A self-contained file: readable without -wal or -shm files beside it.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
            src.close()

    def check(self, path: Path, thorough: bool = True) -> str | None:
        """SQLite's integrity check of a copy; None when it is sound, else what is wrong.
        `thorough=False` runs quick_check, which skips cross-checking indexes."""
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        try:
            conn = sqlite3.connect(uri, uri=True)
            try:
                self.checking(conn, path)
                pragma = "integrity_check" if thorough else "quick_check"
                rows = [row[0] for row in conn.execute(f"PRAGMA {pragma}")]
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            return str(exc)
        return None if rows == ["ok"] else "; ".join(rows[:5])

    def checking(self, conn: sqlite3.Connection, path: Path) -> None:
        """A hook before a check runs on `conn` (the share's time limit uses it)."""

    def sha256(self, path: Path) -> str:
        """The SHA-256 of a file, as hex."""
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()

    def set_taken_at(self, path: Path, timestamp: float) -> None:
        """Stamp a copy with the moment it was taken: the folder itself then tells when
        each copy was taken, even if backup.txt is lost."""
        os.utime(path, (timestamp, timestamp))

    def make_private(self, path: Path) -> None:
        """Owner-only access (0600 files, 0700 folders) on POSIX; Windows uses the folder's ACL."""
        if os.name == "posix":
            path.chmod(0o700 if path.is_dir() else 0o600)

    def fsync_file(self, path: Path) -> None:
        """Flush a file's contents to the disk."""

        def flush() -> None:
            with open(path, "rb+") as handle:
                os.fsync(handle.fileno())

        self.held(flush, path, "opened for writing")

    def fsync_dir(self, path: Path) -> None:
        """Flush a folder's entries (renames, new files) to the disk. Windows has no
        such call; NTFS journals its metadata."""
        if _WINDOWS:
            return
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def replace(self, source: Path, target: Path) -> None:
        """Rename `source` to `target` atomically, replacing it if present."""
        # Named by the real file of the two: a work name means nothing to a person.
        named = source if is_work_name(target) else target
        self.held(lambda: self.raw_replace(source, target), named, "renamed or replaced")

    def unlink(self, path: Path) -> None:
        """Delete a file if it exists."""
        self.held(lambda: self.raw_unlink(path), path, "deleted")

    def delete_copy(self, path: Path) -> None:
        """Delete a (possibly large) copy. It is shrunk in steps first: freeing a large
        file in one go makes the file system's journal, and so every writer's commit,
        wait for it."""
        try:
            self.held(lambda: self.raw_truncate(path, DELETE_STEP), path, "deleted")
        except FileNotFoundError:
            return
        self.unlink(path)

    def mkdir(self, path: Path) -> None:
        """Create a private folder if missing (see make_private_dir)."""
        make_private_dir(path)

    def copy_file(self, source: Path, target: Path) -> None:
        """Copy a file that nobody writes to (a backup copy, a damaged live file) byte
        for byte, readable by the owner only."""
        self.held(lambda: self.raw_copy(source, target), target, "written")
        self.make_private(target)

    def is_database(self, path: Path) -> bool:
        """Whether `path` exists and SQLite reads it as a database (see database_problem:
        never by opening a live file ourselves)."""
        return database_problem(path) is None

    def write_atomic(self, path: Path, text: str) -> None:
        """Write a text file so that readers see the old or the new one, never a mix."""
        temp = path.with_name(f".{path.name}.{os.getpid()}{'.partial'}")
        try:
            self.held(lambda: self.raw_write_text(temp, text), temp, "written")
            self.make_private(temp)
            self.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
        self.fsync_dir(path.parent)

    def free_space(self, path: Path) -> int:
        """Bytes free on the disk holding `path`."""
        return shutil.disk_usage(path).free
