"""BackupEngine: the one entry point for backing up, listing, verifying and restoring
the data files under one backup folder. The steps of a run are in run.py, the ledger
matched with the disk in state.py, verify and restore in their own modules."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from portal.backup import lock, open_copy, safety
from portal.backup import state as state_mod
from portal.backup.database_files import database_problem, database_size
from portal.backup.errors import BackupError, NoCopy, RestoreError
from portal.backup.fileops import FileOps
from portal.backup.layout import GENERATIONS, Layout, copy_words, taken_at
from portal.backup.ledger import Entry
from portal.backup.restore import Candidate, RestoreResult, local_candidate, size_on_disk
from portal.backup.restore import restore as restore_copy
from portal.backup.run import FileResult, Run, RunProgress, RunResult
from portal.backup.state import State
from portal.backup.verify import VerifyReport
from portal.backup.verify import verify as verify_copies

__all__ = ["BackupEngine", "FileResult", "RunProgress", "RunResult", "Source", "State"]

Clock = Callable[[], datetime]  # returns an aware datetime in the portal's zone
KindCheck = Callable[[Path], "str | None"]  # what is wrong with a copy's schema, or None

# Room kept free beyond the copies themselves (1 MB and a tenth more), so a run never
# fills the disk to the brim.
SPACE_MARGIN = 1024 * 1024
SPACE_FACTOR = 1.1


@dataclass(frozen=True)
class Source:
    """A live data file: its name as listed (e.g. 'todo.db'), its path, and a check
    that a database is one of this file's kind (its tables, a schema version the portal
    can migrate), so a copy of another file is never restored or taken in its place."""

    name: str
    path: Path
    kind_check: KindCheck | None = None
    live_check: KindCheck | None = None  # the same question of the live file (with its WAL)

    def wrong_kind(self, path: Path) -> str | None:
        """What makes the database at `path` not a copy of this data file, or None."""
        return self.kind_check(path) if self.kind_check else None


class BackupEngine:
    """Back up, list, verify and restore the data files under one backup folder."""

    def __init__(
        self,
        backup_dir: Path,
        sources: list[Source],
        clock: Clock,
        ops: FileOps | None = None,
        thorough_check: bool = True,
        mistaken_days: Callable[[], Iterable[date]] = frozenset,
    ):
        self.layout = Layout(Path(backup_dir))
        # Read when a run needs it (mistaken_days below), not each time an engine is made
        # (pages make one to list copies).
        self._mistaken_days = mistaken_days
        self.sources = {source.name: source for source in sources}
        self.clock = clock
        self.ops = ops or FileOps()
        self.thorough_check = thorough_check

    @functools.cached_property
    def mistaken_days(self) -> frozenset[date]:
        """Days a copy is dated that the administrator said were a clock's mistake (a run
        once made at 2038): the day rule ignores them, so rotation goes on today."""
        return frozenset(self._mistaken_days())

    # -- shared steps -------------------------------------------------------------

    def now(self) -> datetime:
        """The clock to the second: a copy's file time is its time stamp."""
        return self.clock().replace(microsecond=0)

    def source(self, name: str) -> Source:
        """The data file called `name`, or BackupError naming the known ones."""
        try:
            return self.sources[name]
        except KeyError:
            known = ", ".join(self.sources)
            raise BackupError(f"There is no data file called {name!r} (known: {known}).") from None

    def state(self) -> State:
        """The ledger matched with the copies on disk (reads only)."""
        if problem := self.layout.folder_problem():
            raise BackupError(problem)
        try:
            state = state_mod.read(self.layout, list(self.sources), self.clock().tzinfo)
        except OSError as exc:
            raise BackupError(
                f"The backup folder {self.layout.root} cannot be read ({exc})."
            ) from exc
        if state.ledger.unreadable:
            raise BackupError(
                f"{state.ledger.unreadable}. Nothing was changed. Give the portal's account "
                "the right to read and write it; do not delete it: it holds the SHA-256 "
                "that proves each copy."
            )
        return state

    def ledger_problem(self) -> str | None:
        """Why backup.txt, if there, cannot be written (a read-only file), or None."""
        ledger = self.layout.ledger
        if ledger.exists() and not os.access(ledger, os.W_OK):
            return (
                f"{ledger} cannot be written (it is read-only for the portal's account). "
                "Nothing was changed. Give the portal's account the right to write it; do "
                "not delete it: it holds the SHA-256 that proves each copy."
            )
        return None

    def write_ledger(self, state: State, extra: list[Entry] = ()) -> None:
        """Write backup.txt for `state` (and `extra` lines) in one atomic step."""
        text = state_mod.render(state, list(extra), list(self.sources))
        self.ops.write_atomic(self.layout.ledger, text)

    def check_space(self, needed: int, what: str) -> None:
        """BackupError unless the backup folder's disk has room for `needed` bytes and more."""
        needed = int(needed * SPACE_FACTOR) + SPACE_MARGIN
        free = self.ops.free_space(self.layout.root)
        if free < needed:
            raise BackupError(
                f"Not enough free disk space for {what} in {self.layout.root}: "
                f"about {needed / 1e6:.1f} MB needed, {free / 1e6:.1f} MB free. "
                "Nothing was changed."
            )

    def live_size(self, name: str) -> int:
        """The bytes of a live data file measured as its copy will be (see database_size)."""
        return database_size(self.source(name).path)

    @contextlib.contextmanager
    def locked(self, who: str, now: datetime, wait: float | None) -> Iterator[None]:
        """The one-at-a-time lock, with the backup folder's problems as BackupError. The
        off-site copy holds it too, so the newest copies stay put while they are sent."""
        if problem := self.layout.folder_problem():
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

    # -- backup, verify, restore ------------------------------------------------------

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
            if not self.source(name).path.exists():
                raise BackupError(
                    f"{name}: the data file {self.source(name).path} is missing; it is not "
                    "backed up, so its copies stay as they are. Nothing was backed up."
                )
        started = self.now()
        with self.locked(who, started, wait):
            if problem := self.ledger_problem():
                raise BackupError(problem)
            return Run(self, who, progress).back_up(names, started)

    def verify(self, wait: float | None = None) -> VerifyReport:
        """Re-check every copy (integrity, SHA-256 against the record made with it).
        Writes nothing."""
        with self.locked("verify", self.now(), wait):
            report = verify_copies(self.state(), self.layout, self.ops)
        for source in self.sources.values():
            if problem := self.live_problem(source):
                report.live_problems.append(f"the live data file {source.path} {problem}")
        return report

    def live_problem(self, source: Source) -> str | None:
        """What is wrong with a live data file: missing, not a database, another kind."""
        if problem := database_problem(source.path):
            return problem
        if source.live_check and (wrong := source.live_check(source.path)):
            return f"is not the portal's {source.name} ({wrong})"
        return None

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
        local = self._local(name, generation)
        return self.restore_from(name, local, copy_words(generation), who, wait, force)

    def _local(self, name: str, generation: int) -> Callable[[], Candidate]:
        """The copy of `name` at `generation`, found once the lock is held."""
        self.source(name)
        if not 0 <= generation <= GENERATIONS:
            raise RestoreError(f"The generation must be 0 (newest) to {GENERATIONS}.")

        def local() -> Candidate:
            copy = self.state().copy_at(name, generation)
            if copy is None:
                raise NoCopy(f"{name} has no copy at {copy_words(generation)}.")
            return local_candidate(name, copy)

        return local

    @contextlib.contextmanager
    def open_copy(
        self, name: str, copy: int | Callable[[], Candidate], who="unknown", wait=0, force=False
    ) -> Iterator[Path]:
        """A copy: a generation, or the one `copy()` names once the lock is held (an
        off-site day, a safety copy); proven as a restore proves it (`force`: an
        unrecorded one), opened read-only in a private file for the block (open_copy.py)."""
        found = self._local(name, copy) if isinstance(copy, int) else copy
        folder, files = self.layout.in_folder(open_copy.OPENED_FOLDER), contextlib.ExitStack()
        if isinstance(copy, int) and (kept := open_copy.kept_proof(folder, found)):
            with open_copy.given_back(kept):  # the same file, proven minutes ago
                yield kept
            return
        with self.locked(who, self.now(), wait):  # no run moves the copy meanwhile
            found = open_copy.opened(self.ops, self.source(name), found(), folder, force)
            private = files.enter_context(found)
        with files:
            yield private

    def restore_from(
        self,
        name: str,
        candidate: Callable[[], Candidate],
        words: str,
        who: str = "unknown",
        wait: float | None = 0,
        force: bool = False,
    ) -> RestoreResult:
        """Restore one data file from the copy `candidate()` names once the lock is held
        (a local generation, an off-site day), with every check of a restore; `words`
        names the copy in the result ('the newest copy', 'the off-site copy of ...')."""
        source = self.source(name)
        now = self.now()
        with self.locked(who, now, wait):
            chosen = candidate()
            self.check_space(size_on_disk(chosen.path) + self.live_size(name), "the restore")
            result = restore_copy(self.layout, self.ops, source, chosen, words, now, force)
            with contextlib.suppress(OSError):
                safety.prune(self.layout, self.ops, name, now)
            return result

    # -- reading --------------------------------------------------------------------

    def generations(self) -> list[Entry]:
        """Every copy, as the disk stands (does not write anything). An unrecorded copy
        has an empty sha256."""
        return self.state().entries()

    def safety_copies(self) -> list[safety.SafetyCopy]:
        """The live files as they were before each restore, newest first."""
        return safety.listing(self.layout, list(self.sources), self.clock().tzinfo)

    def newest_taken_at(self, name: str) -> datetime | None:
        """When the newest copy of a data file was taken (from the copy's own time stamp)."""
        newest = self.layout.slot(name, 0)
        try:
            return taken_at(newest.stat(), self.clock().tzinfo)
        except (FileNotFoundError, NotADirectoryError):
            return None
