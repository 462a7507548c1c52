"""File steps that stay inside the off-site folder. The share is the least trusted place
the portal writes to: anyone who can write there can plant a symbolic link, a Windows
junction or another reparse point where a day folder, a copy or kept-copies/ should be.
No step here follows one, for reading or for writing.

On POSIX every path under the off-site folder is reached by opening its folders one by
one with O_NOFOLLOW, each relative to the one before (openat), and the last step acts
relative to its folder's handle: a folder swapped for a link after it was looked at is
never followed. Files are opened with O_NOFOLLOW. Windows has no openat: each folder on
the way is looked at with lstat first (a link, a junction or any reparse point is
refused), then the step is made by its path.

The off-site folder itself is the administrator's setting and is taken as configured.
Every step tells deadline.py it starts: a share that stops answering is given up on."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from portal.offsite import deadline

_POSIX_AT = (
    os.name == "posix"
    and os.open in os.supports_dir_fd
    and os.unlink in os.supports_dir_fd
    and os.rename in os.supports_dir_fd
    and os.stat in os.supports_follow_symlinks
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_REPARSE = getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400)


class NotFollowed(OSError):
    """A link, junction or other non-regular entry where the portal's own file or folder
    should be: it is left alone."""

    def __init__(self, path: Path, what: str = "a link or a special file"):
        super().__init__(errno.ELOOP, f"{path} is {what}, not made by the portal; left alone")
        self.path = path

    def __str__(self) -> str:
        return self.strerror


def is_link_like(info: os.stat_result) -> bool:
    """A symbolic link, or on Windows a junction or any other reparse point."""
    return stat.S_ISLNK(info.st_mode) or bool(getattr(info, "st_file_attributes", 0) & _REPARSE)


def kind(info: os.stat_result | None) -> str | None:
    """'dir' for a real folder, 'file' for a regular file, 'other' for anything else (a
    link, a junction, a device...), None when missing."""
    if info is None:
        return None
    if is_link_like(info):
        return "other"
    if stat.S_ISDIR(info.st_mode):
        return "dir"
    if stat.S_ISREG(info.st_mode):
        return "file"
    return "other"


class Confined:
    """Steps on paths under `root`, never following a link on the way or at the end."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def inside(self, path: Path) -> bool:
        try:
            Path(path).relative_to(self.root)
        except ValueError:
            return False
        return Path(path) != self.root

    def _parts(self, path: Path) -> tuple[str, ...]:
        parts = Path(path).relative_to(self.root).parts
        if not parts or any(part in ("..", ".") for part in parts):
            raise ValueError(f"{path} is not inside {self.root}")
        return parts

    # -- reaching a folder ------------------------------------------------------------

    @contextlib.contextmanager
    def folder_of(self, path: Path) -> Iterator[tuple[int | None, str]]:
        """(a handle on the folder holding `path`, its name there); the handle is None
        on Windows, where the folders on the way were checked with lstat instead."""
        *folders, name = self._parts(path)
        deadline.tick(str(path))
        if not _POSIX_AT:
            walked = self.root
            for part in folders:
                walked = walked / part
                found = kind(_lstat(walked))
                if found is None:
                    raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(walked))
                if found != "dir":
                    raise NotFollowed(walked, "not a real folder (a link or a junction?)")
            yield None, name
            return
        fd = os.open(self.root, os.O_RDONLY | _DIRECTORY)
        try:
            for part in folders:
                try:
                    nfd = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
                except OSError as exc:
                    if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                        raise NotFollowed(self.root.joinpath(*folders)) from exc
                    raise
                os.close(fd)
                fd = nfd
            yield fd, name
        finally:
            os.close(fd)

    # -- looking ----------------------------------------------------------------------

    def lstat(self, path: Path) -> os.stat_result | None:
        """The entry itself (a link is not followed); None when it is not there."""
        try:
            with self.folder_of(path) as (fd, name):
                if fd is None:
                    return _lstat(path)
                return os.stat(name, dir_fd=fd, follow_symlinks=False)
        except (FileNotFoundError, NotADirectoryError):
            return None

    def kind(self, path: Path) -> str | None:
        return kind(self.lstat(path))

    def entries(self, folder: Path) -> list[tuple[str, str]]:
        """(name, kind) of each entry of a real folder under the root, or of the root."""
        deadline.tick(str(folder))
        if Path(folder) == self.root:
            with os.scandir(self.root) as found:
                return [(e.name, kind(_entry_lstat(e))) for e in found]
        if _POSIX_AT and os.scandir in os.supports_fd:
            with self.folder_of(folder) as (fd, name):
                dfd = self._open_dir(fd, name, folder)
                try:
                    with os.scandir(dfd) as found:
                        return [(e.name, kind(_entry_lstat(e))) for e in found]
                finally:
                    os.close(dfd)
        if self.kind(folder) != "dir":
            raise NotFollowed(Path(folder), "not a real folder (a link or a junction?)")
        with os.scandir(folder) as found:
            return [(e.name, kind(_entry_lstat(e))) for e in found]

    def _open_dir(self, fd: int, name: str, path: Path) -> int:
        try:
            return os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise NotFollowed(Path(path), "not a real folder (a link?)") from exc
            raise

    # -- acting -----------------------------------------------------------------------

    def open_file(self, path: Path, flags: int, mode: int = 0o600) -> int:
        """os.open of a regular file under the root, never through a link."""
        with self.folder_of(path) as (fd, name):
            if fd is None:
                if kind(_lstat(path)) not in (None, "file"):
                    raise NotFollowed(Path(path))
                return os.open(path, flags | _BINARY, mode)
            try:
                handle = os.open(name, flags | _NOFOLLOW, mode, dir_fd=fd)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise NotFollowed(Path(path)) from exc
                raise
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            os.close(handle)
            raise NotFollowed(Path(path), "not a regular file")
        return handle

    def unlink(self, path: Path) -> None:
        """Delete a regular file (missing is fine); anything else is refused."""
        with self.folder_of(path) as (fd, name):
            info = _entry(fd, name, path)
            if info is None:
                return
            if kind(info) != "file":
                raise NotFollowed(Path(path))
            if fd is None:
                os.unlink(path)
            else:
                os.unlink(name, dir_fd=fd)

    def rename(self, source: Path, target: Path) -> None:
        """Rename a regular file over a missing or regular file, both under the root."""
        with self.folder_of(source) as (sfd, sname), self.folder_of(target) as (tfd, tname):
            src = _entry(sfd, sname, source)
            if kind(src) != "file":
                if src is None:
                    raise FileNotFoundError(errno.ENOENT, "not there", str(source))
                raise NotFollowed(Path(source))
            dst = _entry(tfd, tname, target)
            if kind(dst) not in (None, "file"):
                raise NotFollowed(Path(target))
            if sfd is None:
                os.replace(source, target)
            else:
                os.rename(sname, tname, src_dir_fd=sfd, dst_dir_fd=tfd)

    def rename_folder(self, source: Path, target: Path) -> None:
        """Rename a real folder to a name nothing has (FileExistsError otherwise)."""
        with self.folder_of(source) as (sfd, sname), self.folder_of(target) as (tfd, tname):
            src = _entry(sfd, sname, source)
            if kind(src) != "dir":
                raise NotFollowed(Path(source), "not a real folder")
            if (_entry(tfd, tname, target)) is not None:
                raise FileExistsError(errno.EEXIST, "already there", str(target))
            if sfd is None:
                os.rename(source, target)
            else:
                os.rename(sname, tname, src_dir_fd=sfd, dst_dir_fd=tfd)

    def mkdir(self, path: Path) -> bool:
        """Make a real folder (0700); False when it was there already as a real folder,
        NotFollowed when something else has its name."""
        with self.folder_of(path) as (fd, name):
            try:
                if fd is None:
                    os.mkdir(path, 0o700)
                else:
                    os.mkdir(name, 0o700, dir_fd=fd)
                return True
            except FileExistsError:
                info = _entry(fd, name, path)
                if kind(info) != "dir":
                    raise NotFollowed(Path(path), "not a real folder (a link?)") from None
                return False

    def rmdir(self, path: Path) -> None:
        """Remove an empty real folder (missing is fine)."""
        with self.folder_of(path) as (fd, name):
            info = _entry(fd, name, path)
            if info is None:
                return
            if kind(info) != "dir":
                raise NotFollowed(Path(path))
            if fd is None:
                os.rmdir(path)
            else:
                os.rmdir(name, dir_fd=fd)

    def fsync_dir(self, path: Path) -> None:
        if os.name != "posix":
            return  # NTFS journals its metadata; Windows has no folder flush
        if Path(path) == self.root:
            dfd = os.open(self.root, os.O_RDONLY | _DIRECTORY)
        else:
            with self.folder_of(path) as (fd, name):
                dfd = self._open_dir(fd, name, path) if fd is not None else None
            if dfd is None:
                return
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def _lstat(path: Path) -> os.stat_result | None:
    try:
        return os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _entry(fd: int | None, name: str, path: Path) -> os.stat_result | None:
    """The entry `name` in the folder held by `fd` (by its path where there is no fd)."""
    return _lstat(path) if fd is None else _lstat_at(fd, name)


def _lstat_at(fd: int, name: str) -> os.stat_result | None:
    try:
        return os.stat(name, dir_fd=fd, follow_symlinks=False)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _entry_lstat(entry: os.DirEntry) -> os.stat_result | None:
    try:
        return entry.stat(follow_symlinks=False)
    except OSError:
        return None
