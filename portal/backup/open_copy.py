"""A copy opened to read what it holds (issue 23: bring back one item), proven exactly
as a restore proves it, and never the copy itself: its bytes are copied aside into a new
owner-only file in a folder of the portal's own (the backup folder's `copies-opened/`),
and that file is hashed against the SHA-256 recorded when the copy was made, checked by
SQLite and for the data file's kind, made read-only, read, and removed (a proven one
after some minutes unused: the pages that follow read it again, proven.py). The copy is
not written to, not even its file time. What a killed process leaves is removed by the
next one that opens a copy, once it is surely abandoned."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterator
from datetime import tzinfo
from pathlib import Path

from portal.backup import proven, safety
from portal.backup.errors import BackupError, RestoreError
from portal.backup.layout import Layout
from portal.backup.restore import Candidate, prove

OPENED_FOLDER = "copies-opened"  # in the backup folder
SUFFIX = ".opened"
# An opened copy lives for one look or one bring-back (minutes); a day is surely abandoned.
ABANDONED_SECONDS = 24 * 3600


def safety_candidate(layout: Layout, name: str, file_name: str, zone: tzinfo) -> Candidate:
    """The safety copy `file_name` (as listed, e.g. `todo-20261127-142501.db`) of data file
    `name`, as a copy to open: nothing recorded its SHA-256, so it opens only when the
    administrator says so (as an unrecorded copy). RestoreError for a name that is not
    one of `name`'s safety copies: never a path, a link, nor another file."""
    found = {c.path.name: c for c in safety.listing(layout, [name], zone) if c.name == name}
    chosen = found.get(file_name)
    if chosen is None or chosen.path.is_symlink():
        raise RestoreError(f"{name} has no safety copy {file_name!r}.")
    return Candidate(
        chosen.path,
        f"The safety copy {file_name} of {name}",
        "",
        chosen.taken_at,
        record="the Data Backup page (a safety copy's SHA-256 is not written down)",
    )


def kept_proof(folder: Path, candidate: Callable[[], Candidate]) -> Path | None:
    """The kept proof of the local copy `candidate()` names (proven.py), found without
    the backup lock: the copy's record and its file's inode, size and time say whether
    it is the file that was proven, and a run that moves it changes them. Taken for use
    (`given_back` ends it); None: open the copy the locked way."""
    try:
        return proven.take(folder, candidate())
    except (BackupError, OSError):
        return None


@contextlib.contextmanager
def given_back(private: Path) -> Iterator[Path]:
    """Use a kept proof for the block."""
    try:
        yield private
    finally:
        proven.give_back(private, _remove)


@contextlib.contextmanager
def opened(ops, source, candidate: Candidate, folder: Path, force: bool) -> Iterator[Path]:
    """`candidate`, a copy of `source`'s data file, proven and opened read-only for the
    block. UnprovenCopy for a copy whose bytes cannot be proven (unless `force`),
    RestoreError for a damaged copy or one of another kind."""
    what = candidate.what
    folder.mkdir(mode=0o700, exist_ok=True)
    if (kept := proven.take(folder, candidate)) is not None:  # proven minutes ago
        with given_back(kept):
            yield kept
        return
    tidy_abandoned(folder)
    private = folder / f".{source.name}.{secrets.token_hex(6)}{SUFFIX}"
    try:
        try:
            ops.copy_file(candidate.path, private)
        except OSError as exc:
            raise RestoreError(f"{what} could not be read ({exc}); not opened.") from exc
        if prove(ops, source, candidate, private, force, "not opened") is None:
            proven.keep(folder, candidate, private, _remove)  # proven, not opened anyway
        private.chmod(stat.S_IRUSR)
    except BaseException:
        proven.give_back(private, _remove)
        raise
    try:
        yield private
    finally:
        proven.give_back(private, _remove)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if os.name == "nt":  # Windows deletes no read-only file
            path.chmod(stat.S_IRUSR | stat.S_IWUSR)
        path.unlink()


def tidy_abandoned(
    folder: Path, pattern: str = f".*{SUFFIX}", now: float | None = None
) -> list[str]:
    """Remove the opened copies a killed process left in `folder` (older than a day, named
    as `pattern` says; the off-site copies opened have their own); their names."""
    now = time.time() if now is None else now  # file times are the real clock's
    removed = []
    for path in folder.glob(pattern):
        with contextlib.suppress(OSError):
            if now - path.lstat().st_mtime > ABANDONED_SECONDS:
                _remove(path)
                removed.append(path.name)
    return removed
