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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from portal.backup import ledger as ledger_mod
from portal.backup import lock, rotation, safety
from portal.backup.errors import BackupError, RestoreError
from portal.backup.fileops import FileOps
from portal.backup.layout import GENERATIONS, Layout, generation_label, generation_rank
from portal.backup.ledger import Copy, Entry, Ledger, OnDisk
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


KindCheck = Callable[[Path], "str | None"]  # what is wrong with a copy's schema, or None


@dataclass(frozen=True)
class Source:
    """A live data file: its name as listed (e.g. 'todo.db'), its path, and a check
    that a database is one of this file's kind (its tables, a schema version the portal
    can migrate), so a copy of another file is never restored or taken in its place."""

    name: str
    path: Path
    kind_check: KindCheck | None = None

    def wrong_kind(self, path: Path) -> str | None:
        """What makes the database at `path` not a copy of this data file, or None."""
        return self.kind_check(path) if self.kind_check else None


@dataclass(frozen=True)
class FileResult:
    """One data file backed up."""

    name: str
    size: int
    sha256: str
    seconds: float
    taken_at: datetime
    outcome: (
        str  # "first copy", "rotated" (a new day) or "replaced" (same day, or the clock behind)
    )
    verified: bool = True

    @property
    def rotated(self) -> bool:
        return self.outcome == "rotated"


@dataclass(frozen=True)
class State:
    """The backup folder as it stands: the ledger, every copy on disk with its record,
    and the records whose copy is not where they say."""

    ledger: Ledger
    copies: list[Copy]
    unmatched: list[Entry]

    def copy_at(self, name: str, generation: int) -> Copy | None:
        return next(
            (c for c in self.copies if c.disk.name == name and c.disk.generation == generation),
            None,
        )


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

    def folder_problem(self) -> str | None:
        """What keeps the backup folder from being used, in words, or None."""
        root = self.layout.root
        if root.exists() and not root.is_dir():
            return f"The backup folder {root} is not a folder (a file has that name)."
        return None

    def _prepare_folders(self) -> None:
        for generation in range(1, GENERATIONS + 1):
            self.ops.mkdir(self.layout.slot_dir(generation))

    def _clean_leftovers(self) -> list[str]:
        removed = []
        for path in self.layout.leftovers():
            with contextlib.suppress(OSError):
                self.ops.delete_copy(path)
                removed.append(path.name)
        return removed

    def state(self) -> State:
        """The ledger matched with the copies on disk (reads only)."""
        if problem := self.folder_problem():
            raise BackupError(problem)
        try:
            ledger = ledger_mod.read(self.layout.ledger)
            names = sorted(set(self.sources) | {e.name for e in ledger.entries})
            on_disk = ledger_mod.scan(self.layout, names, self.clock().tzinfo)
        except OSError as exc:
            raise BackupError(
                f"The backup folder {self.layout.root} cannot be read ({exc})."
            ) from exc
        copies, unmatched = ledger_mod.match(ledger.entries, on_disk)
        return State(ledger, copies, unmatched)

    def _write_ledger(self, entries: list[Entry], latest_day: dict[str, date]) -> None:
        order = {name: i for i, name in enumerate(self.sources)}
        entries = sorted(
            entries,
            key=lambda e: (order.get(e.name, len(order)), e.name, generation_rank(e.generation)),
        )
        days = dict(sorted(latest_day.items(), key=lambda kv: order.get(kv[0], len(order))))
        self.ops.write_atomic(self.layout.ledger, ledger_mod.render(entries, days))

    def _rewrite_ledger(self, taken: tuple[str, date] | None = None) -> State:
        """Write the ledger as the disk now stands (records kept as made), remembering
        `taken` (a data file and the day a copy of it was just taken)."""
        state = self.state()
        days = ledger_mod.latest_days(state.ledger, state.copies)
        if taken is not None:
            name, day = taken
            days[name] = max(day, days.get(name, day))
        self._write_ledger(ledger_mod.entries_for(state.copies), days)
        return state

    def _check_space(self, needed: int, what: str) -> None:
        needed = int(needed * SPACE_FACTOR) + SPACE_MARGIN
        free = self.ops.free_space(self.layout.root)
        if free < needed:
            raise BackupError(
                f"Not enough free disk space for {what} in {self.layout.root}: "
                f"about {needed / 1e6:.1f} MB needed, {free / 1e6:.1f} MB free. "
                "Nothing was changed."
            )

    def _live_size(self, name: str) -> int:
        path = self._source(name).path
        size = 0
        for part in (path, path.with_name(path.name + "-wal")):
            with contextlib.suppress(FileNotFoundError):
                size += part.stat().st_size
        return size

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
        BackupError when a file cannot be backed up (earlier copies stay intact; the
        message says which files were backed up before it)."""
        names = list(names or self.sources)
        for name in names:
            if not self._source(name).path.exists():
                raise BackupError(
                    f"{name}: the data file {self._source(name).path} is missing; it is not "
                    "backed up, so its copies stay as they are. Nothing was backed up."
                )
        started = self._now()
        with self._locked(who, started, wait):
            return self._run_locked(names, who, progress, started)

    def _run_locked(
        self, names: list[str], who: str, progress: RunProgress | None, started: datetime
    ) -> RunResult:
        result = RunResult(started_at=started)
        try:
            self._prepare_folders()
            if removed := self._clean_leftovers():
                result.notes.append(
                    f"removed {len(removed)} leftover file(s) of an interrupted run"
                )
            state = self.state()
        except OSError as exc:
            raise BackupError(f"The backup could not start ({exc}). Nothing was changed.") from exc
        result.notes.extend(self._ledger_notes(state))
        self._check_space(sum(self._live_size(n) for n in names), "the backup")
        for index, name in enumerate(names):
            try:
                file_result, state = self._back_up_one(name, who, state, progress, result.notes)
            except BackupError as exc:
                done = [f.name for f in result.files]
                raise BackupError(
                    f"{exc} Backed up: {', '.join(done) or 'none'}. "
                    f"Not backed up: {', '.join(names[index:])}."
                ) from exc
            result.files.append(file_result)
        return result

    def _ledger_notes(self, state: State) -> list[str]:
        """What a run says about the ledger it found."""
        ledger, notes = state.ledger, []
        if ledger.missing and state.copies:
            notes.append(
                (ledger.notes or ledger.damage)[0]
                + "; its layout was rebuilt from the copies on disk, which stay unrecorded "
                "(they cannot be verified, and restoring one needs --force)"
            )
        elif ledger.damage:
            notes.extend(f"{d}; the copies it described are now unrecorded" for d in ledger.damage)
        for record in state.unmatched:
            if record.generation != "new":
                notes.append(
                    f"{record.name} ({record.generation}) listed in backup.txt is missing on disk"
                )
        return notes

    def _outcome(self, name: str, state: State, today: date) -> tuple[str, str | None]:
        """Rotate, replace, or first copy; and a note when the clock is behind.
        Rotation only moves forward: a date later than every day a copy was taken."""
        if not self.layout.slot(name, 0).exists():
            return "first copy", None
        latest = ledger_mod.latest_days(state.ledger, state.copies).get(name)
        if rotation.is_new_day(latest, today):
            return "rotated", None
        if latest is not None and today < latest:
            return "replaced", (
                f"{name}: the clock is behind (today is {today}, but a copy was already taken "
                f"on {latest}): today's copy replaced the newest instead of starting a new "
                "generation"
            )
        return "replaced", None

    def _back_up_one(
        self,
        name: str,
        who: str,
        state: State,
        progress: RunProgress | None,
        notes: list[str],
    ) -> tuple[FileResult, State]:
        ops, layout = self.ops, self.layout
        source = self._source(name)
        began = time.monotonic()
        partial = layout.partial(name)
        try:
            try:
                ops.snapshot(
                    source.path,
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
            if wrong := source.wrong_kind(partial):
                raise BackupError(f"{name}: the live file is not a {name} data file ({wrong}).")
            taken_at = self._now()
            ops.set_taken_at(partial, taken_at.timestamp())
            ops.make_private(partial)
            digest = ops.sha256(partial)
            size = partial.stat().st_size
            ops.fsync_file(partial)
            ops.fsync_dir(layout.root)

            # Recorded before it moves: a crash from here on leaves a copy with its record.
            new = Entry(name, "new", taken_at, size, digest, who)
            days = ledger_mod.latest_days(state.ledger, state.copies)
            self._write_ledger([*ledger_mod.entries_for(state.copies), new], days)

            outcome, note = self._outcome(name, state, taken_at.date())
            if note:
                notes.append(note)
            newest = layout.slot(name, 0)
            if outcome == "rotated":
                gap = rotation.first_gap(layout, name) or GENERATIONS + 1
                moves = {g: (g + 1 if g + 1 <= GENERATIONS else None) for g in range(gap)}
                discarded = rotation.shift(ops, layout, name)
            elif outcome == "replaced":
                moves = {0: None}
                discarded = rotation.displace_newest(ops, layout, name)
            else:
                moves, discarded = {}, None
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

        state = self._after(state, name, moves, new)
        try:
            self._write_ledger(ledger_mod.entries_for(state.copies), state.ledger.latest_day)
        except OSError as exc:
            raise BackupError(
                f"{name}: the copy is in place, but {layout.ledger.name} could not be "
                f"written ({exc}); the next run records it."
            ) from exc
        if discarded is not None:
            # Last of all: the copy that left the rotation. If this fails, the next
            # run removes it as a leftover.
            with contextlib.suppress(OSError):
                ops.delete_copy(discarded)
        return (
            FileResult(name, size, digest, time.monotonic() - began, taken_at, outcome),
            state,
        )

    def _after(self, state: State, name: str, moves: dict[int, int | None], new: Entry) -> State:
        """The state once the copies of `name` moved as `moves` says (None: out of the
        rotation) and the new copy took the newest place. Records travel with their
        copies: a copy whose file time was touched keeps its record through a rotation."""
        copies = []
        for copy in state.copies:
            generation = copy.disk.generation
            if copy.disk.name == name and generation in moves:
                target = moves[generation]
                if target is None:
                    continue
                moved = replace(copy.disk, generation=target, path=self.layout.slot(name, target))
                copy = replace(copy, disk=moved)
            copies.append(copy)
        disk = OnDisk(name, 0, self.layout.slot(name, 0), new.taken_at, new.size)
        copies.append(Copy(disk, replace(new, generation="newest")))
        days = ledger_mod.latest_days(state.ledger, state.copies)
        days[name] = max(new.taken_at.date(), days.get(name, new.taken_at.date()))
        return State(replace(state.ledger, latest_day=days), copies, [])

    def _abandon(self, partial: Path) -> None:
        """After a failure: delete the unfinished copy and, if it can be written, the
        ledger as the disk now stands (best effort: the next run does it anyway)."""
        with contextlib.suppress(OSError):
            self.ops.unlink(partial)
        with contextlib.suppress(OSError, BackupError):
            self._rewrite_ledger()

    # -- verify and restore --------------------------------------------------------

    def verify(self, wait: float | None = None) -> VerifyReport:
        """Re-check every copy (integrity, SHA-256 against the record made with it).
        Writes nothing."""
        with self._locked("verify", self._now(), wait):
            return verify_copies(self.state(), self.layout, self.ops)

    def restore(
        self,
        name: str,
        generation: int,
        who: str = "unknown",
        wait: float | None = 0,
        force: bool = False,
    ) -> RestoreResult:
        """Restore one data file from one generation (0 = newest, 1 to 7). Only a copy
        whose bytes match the SHA-256 recorded when it was made goes live, unless `force`;
        never a copy that is damaged or of another kind."""
        source = self._source(name)
        if not 0 <= generation <= GENERATIONS:
            raise RestoreError(f"The generation must be 0 (newest) to {GENERATIONS}.")
        now = self._now()
        with self._locked(who, now, wait):
            copy = self.state().copy_at(name, generation)
            if copy is None:
                raise RestoreError(
                    f"There is no copy of {name} at generation {generation_label(generation)}."
                )
            self._check_space(copy.disk.size + self._live_size(name), "the restore")
            result = restore_copy(self.layout, self.ops, source, copy, now, force)
            with contextlib.suppress(OSError):
                safety.prune(self.layout, self.ops, name, now)
            return result

    @contextlib.contextmanager
    def _locked(self, who: str, now: datetime, wait: float | None) -> Iterator[None]:
        """The one-at-a-time lock, with the backup folder's problems as BackupError."""
        if problem := self.folder_problem():
            raise BackupError(problem + " Nothing was changed.")
        try:
            self.ops.mkdir(self.layout.root)
            held = lock.exclusive(self.layout, who, now, wait)
            held.__enter__()
        except OSError as exc:
            raise BackupError(
                f"The backup folder {self.layout.root} cannot be used ({exc}). Nothing was changed."
            ) from exc
        try:
            yield
        finally:
            held.__exit__(None, None, None)

    # -- reading --------------------------------------------------------------------

    def generations(self) -> list[Entry]:
        """Every copy, as the disk stands, in ledger order (does not write anything).
        An unrecorded copy has an empty sha256."""
        return ledger_mod.entries_for(self.state().copies)

    def safety_copies(self) -> list[safety.SafetyCopy]:
        """The live files as they were before each restore, newest first."""
        return safety.listing(self.layout, list(self.sources), self.clock().tzinfo)

    def newest_taken_at(self, name: str) -> datetime | None:
        """When the newest copy of a data file was taken (from the copy's own time stamp)."""
        newest = self.layout.slot(name, 0)
        try:
            return datetime.fromtimestamp(int(newest.stat().st_mtime), self.clock().tzinfo)
        except (FileNotFoundError, NotADirectoryError):
            return None
