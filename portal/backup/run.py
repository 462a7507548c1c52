"""A backup run, for each data file:
  1. snapshot the live file to a .partial name in the backup folder;
  2. check it (SQLite integrity check, the data file's kind), stamp its time, hash it
     (SHA-256), flush it;
  3. record it in the ledger as "new" (so a crash from here on leaves a copy with its
     record);
  4. on a day later than every day a copy was taken, shift the generations
     (rotation.shift); otherwise move the newest aside; the displaced copy gets a
     .discard name;
  5. rename the new copy into place and flush the folder;
  6. write the ledger (the records moved with their copies), then delete the .discard
     copy: the oldest copy goes last.
A failure or a kill at any point leaves every earlier copy where it was or where it was
going; the next run deletes the leftovers."""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from portal.backup import rotation
from portal.backup import state as state_mod
from portal.backup.errors import BackupError
from portal.backup.layout import GENERATIONS, os_words
from portal.backup.ledger import Entry
from portal.backup.state import State

RunProgress = Callable[[str, int, int], None]  # (data file, pages copied, pages in all)


@dataclass(frozen=True)
class FileResult:
    """One data file backed up."""

    name: str
    size: int
    sha256: str
    seconds: float
    taken_at: datetime
    # "first copy", "rotated" (a new day) or "replaced" (the same day, or the clock behind)
    outcome: str  # a FileResult is only made for a copy that was verified


@dataclass
class RunResult:
    """A completed run."""

    started_at: datetime
    files: list[FileResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class Run:
    """One run of the engine's steps over some data files, under the engine's lock."""

    def __init__(self, engine, who: str, progress: RunProgress | None):
        self.engine, self.ops, self.layout = engine, engine.ops, engine.layout
        self.who, self.progress = who, progress

    def back_up(self, names: list[str], started: datetime) -> RunResult:
        """Back up `names` in order; a failure says which were backed up before it."""
        result = RunResult(started_at=started)
        try:
            # First: an unreadable backup.txt stops the run before anything is touched.
            state = self.engine.state()
            for generation in range(1, GENERATIONS + 1):
                self.ops.mkdir(self.layout.slot_dir(generation))
            if removed := self._clean_leftovers():
                result.notes.append(
                    f"removed {len(removed)} leftover {'file' if len(removed) == 1 else 'files'} "
                    "of an interrupted run"
                )
        except OSError as exc:
            raise BackupError(f"The backup could not start ({exc}). Nothing was changed.") from exc
        result.notes.extend(state_mod.notes(state))
        self.engine.check_space(sum(self.engine.live_size(n) for n in names), "the backup")
        for index, name in enumerate(names):
            try:
                file_result, state = self._one(name, state, result.notes)
            except BackupError as exc:
                done = [f.name for f in result.files]
                raise BackupError(
                    f"{exc} Backed up: {', '.join(done) or 'none'}. "
                    f"Not backed up: {', '.join(names[index:])}."
                ) from exc
            result.files.append(file_result)
        return result

    def _clean_leftovers(self) -> list[str]:
        removed = []
        for path in self.layout.leftovers():
            with contextlib.suppress(OSError):
                self.ops.delete_copy(path)
                removed.append(path.name)
        return removed

    def _outcome(self, name: str, state: State, today: date) -> tuple[str, str | None]:
        """Rotate, replace, or first copy; and a note when the clock is behind.
        Rotation only moves forward: a date later than every day a copy was taken."""
        if not self.layout.slot(name, 0).exists():
            return "first copy", None
        latest = state.latest_days(self.engine.mistaken_days).get(name)
        if latest is None or rotation.is_new_day(latest, today):
            # None: every copy is dated on a day said to be a clock's mistake.
            return "rotated", None
        if today < latest:
            return "replaced", (
                f"{name}: the clock is behind (today is {today}, but a copy was already taken "
                f"on {latest}): today's copy replaced the newest instead of starting a new "
                "generation"
            )
        return "replaced", None

    def _one(self, name: str, state: State, notes: list[str]) -> tuple[FileResult, State]:
        layout = self.layout
        began = time.monotonic()
        partial = layout.partial(name)
        try:
            taken_at, digest, size = self._copy(name, partial)
            # Recorded before it moves: a crash from here on leaves a copy with its record.
            new = Entry(name, "new", taken_at, size, digest, self.who)
            self.engine.write_ledger(state, extra=[new])
            outcome, moves, discarded = self._put_in_place(name, state, taken_at, partial, notes)
        except OSError as exc:
            self._abandon(partial)
            raise BackupError(
                f"{name}: the backup failed ({os_words(exc, layout.slot(name, 0))}). "
                "Earlier copies are intact."
            ) from exc
        except BaseException:
            self._abandon(partial)
            raise

        state = state_mod.after_backup(state, layout, name, moves, new)
        try:
            self.engine.write_ledger(state)
        except OSError as exc:
            raise BackupError(
                f"{name}: the copy is in place, but {layout.ledger.name} could not be "
                f"written ({exc}); the next run records it."
            ) from exc
        if discarded is not None:
            # Last of all: the copy that left the rotation. If this fails, the next
            # run removes it as a leftover.
            with contextlib.suppress(OSError):
                self.ops.delete_copy(discarded)
        seconds = time.monotonic() - began
        return FileResult(name, size, digest, seconds, taken_at, outcome), state

    def _copy(self, name: str, partial: Path) -> tuple[datetime, str, int]:
        """Snapshot the live file to `partial`, check it (integrity, kind), stamp its
        time, hash and flush it: (taken at, SHA-256, size)."""
        ops, progress = self.ops, self.progress
        source = self.engine.source(name)
        try:
            ops.snapshot(
                source.path,
                partial,
                (lambda done, total: progress(name, done, total)) if progress else None,
            )
        except OSError as exc:
            words = os_words(exc, self.layout.slot(name, 0))
            raise BackupError(f"{name}: the copy could not be written ({words}).") from exc
        except sqlite3.Error as exc:  # a full disk, a damaged source (never a bug: it shows)
            raise BackupError(f"{name}: the copy failed ({exc}).") from exc
        # The check and the SHA-256 read the same fresh copy (still in the page cache) at
        # the same time, on two cores: SQLite and hashlib both let go of the GIL. Neither
        # changes the copy; the copy is used only if both end well.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="backup-hash") as pool:
            hashing = pool.submit(ops.sha256, partial)
            problem = ops.check(partial, thorough=self.engine.thorough_check)
            digest = hashing.result()
        if problem:
            raise BackupError(f"{name}: the new copy failed its integrity check: {problem}.")
        if wrong := source.wrong_kind(partial):
            raise BackupError(f"{name}: the live file is not a {name} data file ({wrong}).")
        taken_at = self.engine.now()
        ops.set_taken_at(partial, taken_at.timestamp())
        ops.make_private(partial)
        size = partial.stat().st_size
        ops.fsync_file(partial)
        ops.fsync_dir(self.layout.root)
        return taken_at, digest, size

    def _put_in_place(
        self, name: str, state: State, taken_at: datetime, partial: Path, notes: list[str]
    ) -> tuple[str, dict, Path | None]:
        """Rotate (a new day) or set the newest copy aside (the same day), then rename the
        new copy into place: (outcome, the slots' moves, the copy to delete last)."""
        ops, layout = self.ops, self.layout
        outcome, note = self._outcome(name, state, taken_at.date())
        if note:
            notes.append(note)
        if outcome == "rotated":
            gap = rotation.first_gap(layout, name) or GENERATIONS + 1
            moves = {g: (g + 1 if g + 1 <= GENERATIONS else None) for g in range(gap)}
            discarded = rotation.shift(ops, layout, name)
        elif outcome == "replaced":
            moves = {0: None}
            discarded = rotation.displace_newest(ops, layout, name)
        else:
            moves, discarded = {}, None
        ops.replace(partial, layout.slot(name, 0))
        ops.fsync_dir(layout.root)
        return outcome, moves, discarded

    def _abandon(self, partial: Path) -> None:
        """After a failure: delete the unfinished copy and, if it can be written, the
        ledger as the disk now stands (best effort: the next run does it anyway)."""
        with contextlib.suppress(OSError):
            self.ops.unlink(partial)
        with contextlib.suppress(OSError, BackupError):
            self.engine.write_ledger(self.engine.state())
