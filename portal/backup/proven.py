"""Copies opened and proven, kept a few minutes for the pages that follow (issue 23: an
Open, its Show more, its confirmation and its bring-back read the same copy): proving a
copy (its private copy, SHA-256 and SQLite's thorough check) costs far more than reading
a page of it, and a copy does not change while its record and its file stay the same.

Only a copy proven against its record is kept (never one opened anyway), in this
process's memory, under what the copy was when it was proven: its path, its recorded
SHA-256 and time, and its file's size, time and inode. A copy that is no longer so
(rotated, replaced, touched) is proven again. The kept private file is the proven bytes
themselves, in the portal's own owner-only folder: what happens to the copy afterwards
cannot change what is read. A kept file unused for KEEP_SECONDS is removed."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from portal.backup.restore import Candidate

KEEP_SECONDS = 300.0


@dataclass
class _Kept:
    private: Path
    identity: tuple
    users: int
    last_used: float


_kept: dict[tuple[str, str], _Kept] = {}
_lock = threading.Lock()


def identity(candidate: Candidate) -> tuple | None:
    """What the copy is now, as far as keeping its proof goes; None for an unrecorded
    copy, a work file made for one opening (a sealed copy's) or a file that cannot be
    read (never kept)."""
    if not candidate.sha256 or candidate.work_file:
        return None
    try:
        found = candidate.path.stat()
    except OSError:
        return None
    return (
        candidate.sha256,
        candidate.taken_at.isoformat(),
        found.st_size,
        found.st_mtime_ns,
        found.st_ino,
    )


def take(folder: Path, candidate: Candidate, now: float | None = None) -> Path | None:
    """The private file of `candidate` proven earlier and still the same copy (taken for
    use: give it back with `give_back`), or None."""
    now = time.monotonic() if now is None else now
    key, same = (str(folder), str(candidate.path)), identity(candidate)
    with _lock:
        kept = _kept.get(key)
        if kept is None or same is None or kept.identity != same or not kept.private.exists():
            return None
        kept.users += 1
        kept.last_used = now
        return kept.private


def keep(
    folder: Path,
    candidate: Candidate,
    private: Path,
    remove: Callable[[Path], None],
    now: float | None = None,
) -> None:
    """Keep `private`, just proven against the record, for the same copy's next opening
    (taken for use by the caller); an unrecorded copy is not kept. The proof it
    supersedes is removed once nobody uses it."""
    same = identity(candidate)
    if same is None:
        return
    now = time.monotonic() if now is None else now
    key = (str(folder), str(candidate.path))
    with _lock:
        old = _kept.get(key)
        _kept[key] = _Kept(private, same, 1, now)
    if old is not None and old.users <= 0:
        remove(old.private)


def give_back(private: Path, remove: Callable[[Path], None], now: float | None = None) -> None:
    """The caller is done with `private`; remove what is no longer kept, and what was
    kept but unused for KEEP_SECONDS (or superseded by a newer proof)."""
    now = time.monotonic() if now is None else now
    stale = []
    with _lock:
        in_use = {kept.private for kept in _kept.values()}
        for key, kept in list(_kept.items()):
            if kept.private == private:
                kept.users -= 1
            if kept.users <= 0 and now - kept.last_used > KEEP_SECONDS:
                del _kept[key]
                stale.append(kept.private)
        still = {kept.private for kept in _kept.values()}
    if private not in in_use:  # never kept (opened anyway), or superseded meanwhile
        stale.append(private)
    for path in stale:
        if path not in still:
            remove(path)
