"""BackupEngine: the one entry point for backing up, listing, verifying and restoring.

A run, for each data file:
  1. snapshot the live file to a .partial name in the backup folder;
  2. check it (SQLite integrity check), hash it (SHA-256), stamp its time, flush it;
  3. record it in the ledger as "new" (so a crash from here on leaves a known copy);
  4. on a new day shift the generations (rotation.shift), on the same day move the
     newest aside; the displaced copy gets a .discard name;
  5. rename the new copy into place and flush the folder;
  6. write the ledger as it now stands, then delete the .discard copy: the oldest
     copy goes last.
A failure or a kill at any point leaves every earlier copy where it was or where it was
going; the next run deletes the leftovers."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from portal.backup import ledger as ledger_mod
from portal.backup import lock, rotation
from portal.backup.errors import BackupError, RestoreError
from portal.backup.fileops import FileOps
from portal.backup.layout import GENERATIONS, Layout, generation_rank
from portal.backup.ledger import Entry
from portal.backup.restore import RestoreResult
from portal.backup.restore import restore as restore_copy
from portal.backup.verify import VerifyReport
from portal.backup.verify import verify as verify_copies

Clock = Callable[[], datetime]  # returns an aware datetime in the portal's zone
RunProgress = Callable[[str, int, int], None]  # (data file, pages copied, pages in all)

# Room kept free beyond the copies themselves (1 MB and a tenth more), so a run never
# fills the disk to the brim.
SPACE_MARGIN = 1024 * 1024
SPACE_FACTOR = 1.1


@dataclass(frozen=True)
class Source:
    """A live data file: its name as listed (e.g. 'todo.db') and its path."""

    name: str
    path: Path


@dataclass(frozen=True)
class FileResult:
    """One data file backed up."""

    name: str
    size: int
    sha256: str
    seconds: float
    taken_at: datetime
    outcome: str  # "first copy", "rotated" (a new day) or "replaced" (same day)
    verified: bool = True

    @property
    def rotated(self) -> bool:
        return self.outcome == "rotated"


@dataclass
class RunResult:
    """A completed run."""

    started_at: datetime
    files: list[FileResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class BackupEngine:
    """Back up, list, verify and restore the data files under one backup folder."""

    def __init__(
        self,
        backup_dir: Path,
        sources: list[Source],
        clock: Clock,
        ops: FileOps | None = None,
        thorough_check: bool = True,
    ):
        self.layout = Layout(Path(backup_dir))
        self.sources = {source.name: source for source in sources}
        self.clock = clock
        self.ops = ops or FileOps()
        self.thorough_check = thorough_check

    # -- shared steps -------------------------------------------------------------

    def _now(self) -> datetime:
        # Copies are stamped to the second: the file time is the ledger's key.
        return self.clock().replace(microsecond=0)

    def _source(self, name: str) -> Source:
        try:
            return self.sources[name]
        except KeyError:
            known = ", ".join(self.sources)
            raise BackupError(f"There is no data file called {name!r} (known: {known}).") from None

    def _prepare_folders(self) -> None:
        self.ops.mkdir(self.layout.root)
        for generation in range(1, GENERATIONS + 1):
            self.ops.mkdir(self.layout.slot_dir(generation))

    def _clean_leftovers(self) -> list[str]:
        removed = []
        for path in self.layout.leftovers():
            with contextlib.suppress(OSError):
                self.ops.delete_copy(path)
                removed.append(path.name)
        return removed

    def _current_ledger(self) -> tuple[list[Entry], list[str]]:
        """The ledger reconciled with the disk, and notes on anything that was off."""
        entries, note = ledger_mod.read(self.layout.ledger)
        names = sorted(set(self.sources) | {e.name for e in entries})
        on_disk = ledger_mod.scan(self.layout, names, self.clock().tzinfo)
        # A missing ledger is only news when there are copies it should describe.
        notes = [note + "; rebuilt from the copies on disk"] if note and on_disk else []
        return ledger_mod.reconcile(entries, on_disk, self.ops.sha256), notes

    def _write_ledger(self, entries: list[Entry]) -> None:
        order = {name: i for i, name in enumerate(self.sources)}
        entries = sorted(
            entries,
            key=lambda e: (order.get(e.name, len(order)), e.name, generation_rank(e.generation)),
        )
        self.ops.write_atomic(self.layout.ledger, ledger_mod.render(entries))

    def _check_space(self, names: list[str]) -> None:
        needed = 0
        for name in names:
            path = self._source(name).path
            for part in (path, path.with_name(path.name + "-wal")):
                with contextlib.suppress(FileNotFoundError):
                    needed += part.stat().st_size
        needed = int(needed * SPACE_FACTOR) + SPACE_MARGIN
        free = self.ops.free_space(self.layout.root)
        if free < needed:
            raise BackupError(
                f"Not enough free disk space for the backup in {self.layout.root}: "
                f"about {needed / 1e6:.1f} MB needed, {free / 1e6:.1f} MB free. "
                "Nothing was changed."
            )

    # -- backup ---------------------------------------------------------------------

    def run(
        self,
        names: list[str] | None = None,
        who: str = "unknown",
        progress: RunProgress | None = None,
        wait: float | None = 0,
    ) -> RunResult:
        """Back up the named data files (default: all). Raises BackupBusy when another
        run holds the lock past `wait` seconds (None: wait as long as it takes), and
        BackupError when a file cannot be backed up (earlier copies stay intact)."""
        names = list(names or self.sources)
        for name in names:
            self._source(name)
        started = self._now()
        with lock.exclusive(self.layout, who, started, wait):
            result = RunResult(started_at=started)
            try:
                self._prepare_folders()
                if removed := self._clean_leftovers():
                    result.notes.append(
                        f"removed {len(removed)} leftover file(s) of an interrupted run"
                    )
                entries, notes = self._current_ledger()
            except OSError as exc:
                raise BackupError(
                    f"The backup could not start ({exc}). Nothing was changed."
                ) from exc
            result.notes.extend(notes)
            self._check_space(names)
            for name in names:
                file_result, entries = self._back_up_one(name, who, entries, progress)
                result.files.append(file_result)
            return result

    def _back_up_one(
        self, name: str, who: str, entries: list[Entry], progress: RunProgress | None
    ) -> tuple[FileResult, list[Entry]]:
        ops, layout = self.ops, self.layout
        began = time.monotonic()
        partial = layout.partial(name)
        try:
            try:
                ops.snapshot(
                    self._source(name).path,
                    partial,
                    (lambda done, total: progress(name, done, total)) if progress else None,
                )
            except OSError as exc:
                raise BackupError(f"{name}: the copy could not be written ({exc}).") from exc
            except Exception as exc:  # sqlite3 errors, e.g. a full disk or a damaged source
                raise BackupError(f"{name}: the copy failed ({exc}).") from exc
            problem = ops.check(partial, thorough=self.thorough_check)
            if problem:
                raise BackupError(f"{name}: the new copy failed its integrity check: {problem}.")
            taken_at = self._now()
            ops.set_taken_at(partial, taken_at.timestamp())
            ops.make_private(partial)
            digest = ops.sha256(partial)
            size = partial.stat().st_size
            ops.fsync_file(partial)
            ops.fsync_dir(layout.root)

            new = Entry(name, "new", taken_at, size, digest, who)
            self._write_ledger([*entries, new])

            newest = layout.slot(name, 0)
            newest_day = (
                datetime.fromtimestamp(int(newest.stat().st_mtime), taken_at.tzinfo).date()
                if newest.exists()
                else None
            )
            if newest_day is None:
                outcome, discarded = "first copy", None
            elif rotation.is_new_day(newest_day, taken_at.date()):
                outcome, discarded = "rotated", rotation.shift(ops, layout, name)
            else:
                outcome, discarded = "replaced", rotation.displace_newest(ops, layout, name)
            ops.replace(partial, newest)
            ops.fsync_dir(layout.root)
        except OSError as exc:
            self._abandon(partial)
            raise BackupError(
                f"{name}: the backup failed ({exc}). Earlier copies are intact."
            ) from exc
        except BaseException:
            self._abandon(partial)
            raise

        try:
            entries, _notes = self._current_ledger()
            self._write_ledger(entries)
        except OSError as exc:
            raise BackupError(
                f"{name}: the copy is in place, but {layout.ledger.name} could not be "
                f"written ({exc}); the next run rebuilds it."
            ) from exc
        if discarded is not None:
            # Last of all: the copy that left the rotation. If this fails, the next
            # run removes it as a leftover.
            with contextlib.suppress(OSError):
                ops.delete_copy(discarded)
        return (
            FileResult(name, size, digest, time.monotonic() - began, taken_at, outcome),
            entries,
        )

    def _abandon(self, partial: Path) -> None:
        """After a failure: delete the unfinished copy and, if it can be written, the
        ledger as the disk now stands (best effort: the next run does it anyway)."""
        with contextlib.suppress(OSError):
            self.ops.unlink(partial)
        with contextlib.suppress(OSError):
            self._write_ledger(self._current_ledger()[0])

    # -- verify and restore --------------------------------------------------------

    def verify(self, wait: float | None = None) -> VerifyReport:
        """Re-check every copy (integrity, SHA-256 against the ledger); writes nothing."""
        with lock.exclusive(self.layout, "verify", self._now(), wait):
            return verify_copies(self.layout, list(self.sources), self.ops, self.clock().tzinfo)

    def restore(
        self, name: str, generation: int, who: str = "unknown", wait: float | None = 0
    ) -> RestoreResult:
        """Restore one data file from one generation (0 = newest, 1 to 7)."""
        source = self._source(name)
        if not 0 <= generation <= GENERATIONS:
            raise RestoreError(f"The generation must be 0 (newest) to {GENERATIONS}.")
        now = self._now()
        with lock.exclusive(self.layout, who, now, wait):
            return restore_copy(self.layout, self.ops, name, source.path, generation, now)

    # -- reading --------------------------------------------------------------------

    def generations(self) -> list[Entry]:
        """Every copy, as the disk stands, in ledger order (does not write anything)."""
        entries, _notes = self._current_ledger()
        return entries

    def newest_taken_at(self, name: str) -> datetime | None:
        """When the newest copy of a data file was taken (from the copy's own time stamp)."""
        newest = self.layout.slot(name, 0)
        try:
            return datetime.fromtimestamp(int(newest.stat().st_mtime), self.clock().tzinfo)
        except FileNotFoundError:
            return None
