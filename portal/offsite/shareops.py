"""The file steps of the off-site copy: the engine's FileOps (the seam for fault
injection and Windows retries), confined to the off-site folder (confined.py: no link,
junction or reparse point is ever followed on the share, for reading or writing), and a
copy flushed to the share. Copies and folders made there are owner-only (0600/0700)
where the file system has modes, like the local copies."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
from pathlib import Path

from portal.backup.fileops import FileOps
from portal.offsite import deadline
from portal.offsite.confined import Confined
from portal.offsite.seal import Seal
from portal.offsite.sealed_copy import SealedSums, seal_into

_CHUNK = 1024 * 1024


class ShareOps(FileOps):
    # Set by OffsiteFolder to its root: every step on a path under it is confined.
    confined: Confined | None = None

    def _inside(self, path: Path) -> bool:
        return self.confined is not None and self.confined.inside(Path(path))

    # -- the bare steps, confined to the share ------------------------------------

    def raw_replace(self, source: Path, target: Path) -> None:
        if self._inside(source) or self._inside(target):
            self.confined.rename(source, target)
        else:
            super().raw_replace(source, target)

    def raw_unlink(self, path: Path) -> None:
        if self._inside(path):
            self.confined.unlink(path)
        else:
            super().raw_unlink(path)

    def raw_copy(self, source: Path, target: Path, seal: Seal | None = None) -> SealedSums | None:
        """A new file on the share (O_EXCL: never over anything already there), written
        from a local copy: the kernel copies where it can (sendfile), as fast as `cp`;
        sealed in a stream when a seal is given, with the SHA-256s of both sides."""
        if not self._inside(target):
            return super().raw_copy(source, target)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        out = self.confined.open_file(target, flags, 0o600)
        try:
            with open(source, "rb") as src:
                if seal is None:
                    _copy_fd(src.fileno(), out)
                    sums = None
                else:
                    sums = seal_into(src, out, seal, "writing a copy")
        except BaseException:
            os.close(out)
            with contextlib.suppress(OSError):
                self.confined.unlink(target)
            raise
        os.close(out)
        return sums

    def raw_truncate(self, path: Path, step: int) -> None:
        """Shrink our copy in steps before deleting it; a file with other names (a hard
        link) is never shrunk: its other names would lose their bytes too."""
        if not self._inside(path):
            return super().raw_truncate(path, step)
        fd = self.confined.open_file(path, os.O_RDWR)
        try:
            info = os.fstat(fd)
            if info.st_nlink != 1:
                return
            size = info.st_size
            while size > 0:
                size = max(0, size - step)
                os.ftruncate(fd, size)
        finally:
            os.close(fd)

    def raw_write_text(self, path: Path, text: str | bytes) -> None:
        """A new small file: text, or the bytes of a sealed manifest."""
        if not self._inside(path):
            return super().raw_write_text(path, text)
        fd = self.confined.open_file(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())

    # -- the steps built on them ----------------------------------------------------

    def write_atomic(self, path: Path, text: str | bytes) -> None:
        """As FileOps.write_atomic, with a work name nobody can guess (a name planted
        in advance would otherwise stop every write)."""
        if not self._inside(path):
            return super().write_atomic(path, text)
        temp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.partial")
        try:
            self.held(lambda: self.raw_write_text(temp, text), temp, "written")
            self.replace(temp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                self.confined.unlink(temp)
            raise
        self.fsync_dir(path.parent)

    def sha256(self, path: Path) -> str:
        """The SHA-256 of a file (of a sealed copy: of its sealed bytes)."""
        if not self._inside(path):
            return super().sha256(path)
        fd = self.confined.open_file(path, os.O_RDONLY)
        digest = hashlib.sha256()
        with os.fdopen(fd, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                deadline.tick(f"reading {path}")  # each chunk is an answer
        return digest.hexdigest()

    def open_sealed(self, path: Path, target: Path, seal: Seal) -> str:
        """Open a sealed copy on the share into a new local file `target` (owner-only);
        the SHA-256 of what it holds. SealError when it does not open (`target` is then
        removed: its bytes are worthless)."""
        fd = self.confined.open_file(path, os.O_RDONLY)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        out = os.open(target, flags, 0o600)
        try:
            with os.fdopen(fd, "rb") as handle, open(out, "wb", closefd=False) as dst:
                digest = _Digest(dst)
                seal.open_stream(_Ticking(handle, f"reading {path}"), digest)
                dst.flush()
                os.fsync(dst.fileno())
        except BaseException:
            os.close(out)
            with contextlib.suppress(OSError):
                os.unlink(target)
            raise
        os.close(out)
        return digest.hexdigest()

    def fsync_file(self, path: Path) -> None:
        if not self._inside(path):
            return super().fsync_file(path)

        def flush() -> None:
            fd = self.confined.open_file(path, os.O_RDWR)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

        self.held(flush, path, "opened for writing")

    def fsync_dir(self, path: Path) -> None:
        if self.confined is not None and (self._inside(path) or path == self.confined.root):
            self.confined.fsync_dir(path)
        else:
            super().fsync_dir(path)

    def make_private(self, path: Path) -> None:
        if not self._inside(path):
            return super().make_private(path)
        if os.name == "posix":
            fd = self.confined.open_file(path, os.O_RDONLY)
            try:
                os.fchmod(fd, 0o600)
            finally:
                os.close(fd)

    def checking(self, conn: sqlite3.Connection, path: Path) -> None:
        """SQLite's check of a copy on the share reads it page by page: each stretch of
        work is an answer from the share."""
        deadline.tick(f"checking {path}")
        conn.set_progress_handler(lambda: deadline.tick(f"checking {path}"), 200_000)

    def free_space(self, path: Path) -> int:
        deadline.tick(f"the free space of {path}")
        return super().free_space(path)

    def copy_flushed(
        self, source: Path, target: Path, seal: Seal | None = None
    ) -> SealedSums | None:
        """Copy `source` to `target` (a fresh work name), flushed to the disk or the
        share. A plain copy is not hashed on the way: the copy read back is what is
        compared with the record. A sealed one gives the SHA-256s taken on the way
        (sealed_copy.py): the read-back is compared with the sealed bytes' one."""
        sums = self.held(lambda: self.raw_copy(source, target, seal), target, "written")
        self.fsync_file(target)
        return sums

    def mkdir_share(self, path: Path) -> bool:
        """A real folder on the share, owner-only; True when it was made now."""
        return self.confined.mkdir(path)

    def rename_folder(self, source: Path, target: Path) -> None:
        """Rename a real folder of ours to a name that is free (never over anything)."""
        self.held(lambda: self.confined.rename_folder(source, target), target, "renamed")

    def rmdir(self, path: Path) -> None:
        """Remove an empty folder if it is there."""
        try:
            self.held(lambda: self.confined.rmdir(path), path, "deleted")
        except FileNotFoundError:
            return

    def write_probe(self, path: Path, data: bytes) -> None:
        """Write a small new file and flush it (the Test button)."""

        def write() -> None:
            fd = self.confined.open_file(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())

        self.held(write, path, "written")

    def read_probe(self, path: Path) -> bytes:
        fd = self.confined.open_file(path, os.O_RDONLY)
        with os.fdopen(fd, "rb") as handle:
            return handle.read()


class _Ticking:
    """A file read by age in chunks: each chunk read is an answer from the share."""

    def __init__(self, handle, step: str):
        self.handle, self.step = handle, step

    def read(self, size: int = -1) -> bytes:
        deadline.tick(self.step)
        return self.handle.read(size if size and size > 0 else _CHUNK)

    def readinto(self, buffer) -> int:
        deadline.tick(self.step)
        return self.handle.readinto(buffer)


class _Digest:
    """Where age writes what it opens: hashed, and passed on to a file if one is given."""

    def __init__(self, target=None):
        self.hash, self.target = hashlib.sha256(), target

    def write(self, data) -> int:
        self.hash.update(data)
        if self.target is not None:
            self.target.write(data)
        return len(data)

    def flush(self) -> None:
        if self.target is not None:
            self.target.flush()

    def hexdigest(self) -> str:
        return self.hash.hexdigest()


def _copy_fd(source: int, target: int) -> None:
    """Copy one open file to another: sendfile where the kernel has it, else by chunks."""
    if hasattr(os, "sendfile") and os.name == "posix":
        offset = 0
        try:
            while sent := os.sendfile(target, source, offset, 16 * _CHUNK):
                offset += sent
                deadline.tick("writing a copy")  # each chunk is an answer
            return
        except OSError as exc:
            if offset or exc.errno not in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP
                raise
    with open(source, "rb", closefd=False) as src, open(target, "wb", closefd=False) as dst:
        while chunk := src.read(_CHUNK):
            dst.write(chunk)
            deadline.tick("writing a copy")
