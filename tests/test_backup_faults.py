"""Fault injection at every file-system step of a backup run (each write, flush, rename,
delete and ledger write), failing once or for good, before or after the step itself:
no earlier generation is ever lost, nothing half-written looks like a backup, and the
next run succeeds."""

from __future__ import annotations

import contextlib
import errno
import shutil
from pathlib import Path

import pytest

from portal.backup import BackupEngine, BackupError
from portal.backup.fileops import FileOps
from portal.backup.layout import GENERATIONS
from tests.backup_helpers import NAMES, full_generations, local, make_engine, mark_of, slots
from tests.helpers import FakeClock

STEPS = (
    "snapshot",
    "check",
    "sha256",
    "set_taken_at",
    "make_private",
    "fsync_file",
    "fsync_dir",
    "replace",
    "unlink",
    "delete_copy",
    "write_atomic",
    "mkdir",
)


class FaultyOps(FileOps):
    """FileOps that fails at the n-th step (once, or from then on)."""

    def __init__(self, fail_at: int | None = None, for_good: bool = False, after: bool = False):
        self.fail_at, self.for_good, self.after = fail_at, for_good, after
        self.calls: list[str] = []

    def _step(self, name, real, *args, **kwargs):
        index = len(self.calls)
        self.calls.append(name)
        failing = self.fail_at is not None and (
            index == self.fail_at or (self.for_good and index > self.fail_at)
        )
        if failing and not self.after:
            raise OSError(errno.EIO, f"injected failure before {name}")
        result = real(self, *args, **kwargs)
        if failing:
            raise OSError(errno.EIO, f"injected failure after {name}")
        return result


def _wrap(name):
    real = getattr(FileOps, name)

    def method(self, *args, **kwargs):
        return self._step(name, real, *args, **kwargs)

    return method


for _name in STEPS:
    setattr(FaultyOps, _name, _wrap(_name))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    return full_generations(tmp_path_factory.mktemp("prepared"))


def fresh(prepared: Path, tmp_path: Path, ops: FileOps) -> tuple[BackupEngine, FakeClock]:
    root = tmp_path / "site"
    shutil.copytree(prepared, root)  # copy2 keeps the copies' time stamps
    clock = FakeClock(local(2026, 11, 27, 10, 0))
    return make_engine(root, clock, ops), clock


def count_steps(prepared: Path, tmp_path: Path) -> int:
    ops = FaultyOps()
    engine, _ = fresh(prepared, tmp_path / "count", ops)
    engine.run(who="count")
    return len(ops.calls)


def leftover_marks(engine: BackupEngine, name: str) -> list[str | None]:
    """The markers of a data file's .discard leftovers (copies on their way out)."""
    layout = engine.layout
    return [
        mark_of(p)
        for p in layout.leftovers()
        if p.name.endswith(".discard") and layout.leftover_data_file(p) == name
    ]


def check_nothing_lost(engine: BackupEngine) -> None:
    for name in NAMES:
        before = [f"{name} day {d}" for d in range(7, -1, -1)]  # newest first
        now = slots(engine, name)
        if now[0] == f"{name} today":
            # The run put its copy in place: the oldest copy may be gone, or half
            # deleted; every other one must be in a slot.
            before = before[:GENERATIONS]
            leftovers = []
        else:
            leftovers = leftover_marks(engine, name)
        for generation, mark in enumerate(before):
            assert mark in now or (generation == GENERATIONS and mark in leftovers), (
                f"{mark} lost: slots {now}"
            )


def check_only_sound_copies(engine: BackupEngine) -> None:
    for name in NAMES:
        for generation in range(GENERATIONS + 1):
            path = engine.layout.slot(name, generation)
            if path.exists():
                assert FileOps().check(path) is None, f"{path} is not a sound copy"
    for path in engine.layout.root.iterdir():
        if path.is_file() and not path.name.startswith("."):
            assert path.name in {*NAMES, "backup.txt"}, f"unexpected {path.name}"


def test_the_clean_run_has_many_steps(prepared, tmp_path):
    assert count_steps(prepared, tmp_path) > 40


@pytest.mark.parametrize("for_good", [False, True], ids=["once", "for-good"])
@pytest.mark.parametrize("after", [False, True], ids=["before-step", "after-step"])
def test_a_fault_at_any_step_loses_nothing(prepared, tmp_path, for_good, after):
    total = count_steps(prepared, tmp_path)
    for fail_at in range(total):
        ops = FaultyOps(fail_at, for_good=for_good, after=after)
        engine, _clock = fresh(prepared, tmp_path / f"run{fail_at}", ops)
        # A BackupError is expected for most steps; some (deleting leftovers) are best effort.
        with contextlib.suppress(BackupError):
            engine.run(who="faulty")
        failed_step = ops.calls[fail_at]
        context = f"fault at step {fail_at} ({failed_step})"
        try:
            check_nothing_lost(engine)
            check_only_sound_copies(engine)
            # The disk is healthy again. Verify, before anything is tidied: every copy
            # still checks out.
            engine.ops = FileOps()
            report = engine.verify()
            assert report.ok, [str(p) for p in report.problems]
            # The next run succeeds and ends in the normal state.
            engine.run(who="next")
            assert engine.verify().ok
            for name in NAMES:
                expected = [f"{name} today"] + [f"{name} day {d}" for d in range(7, 0, -1)]
                assert slots(engine, name) == expected
            assert engine.layout.leftovers() == []
        except AssertionError as exc:
            raise AssertionError(f"{context}: {exc}") from exc


# -- restore ------------------------------------------------------------------------------

RESTORE_STEPS = ("copy_file", "is_database", "put_live", "install", "restore_into")
for _name in RESTORE_STEPS:
    setattr(FaultyOps, _name, _wrap(_name))


def count_restore_steps(prepared: Path, tmp_path: Path) -> int:
    ops = FaultyOps()
    engine, _ = fresh(prepared, tmp_path / "count-restore", ops)
    engine.restore("todo.db", 3, who="count")
    return len(ops.calls)


def safety_marks(engine: BackupEngine) -> list[str | None]:
    return [mark_of(c.path) for c in engine.safety_copies()]


@pytest.mark.parametrize("for_good", [False, True], ids=["once", "for-good"])
@pytest.mark.parametrize("after", [False, True], ids=["before-step", "after-step"])
def test_a_fault_at_any_step_of_a_restore(prepared, tmp_path, for_good, after):
    """The live file is always as it was or the restored copy, and once it is the
    restored copy, a safety copy of what it was exists. No generation is touched."""
    total = count_restore_steps(prepared, tmp_path)
    assert total > 10
    for fail_at in range(total):
        ops = FaultyOps(fail_at, for_good=for_good, after=after)
        engine, _clock = fresh(prepared, tmp_path / f"restore{fail_at}", ops)
        live = engine.sources["todo.db"].path
        generations_before = slots(engine, "todo.db")
        with contextlib.suppress(BackupError):
            engine.restore("todo.db", 3, who="faulty")
        context = f"fault at restore step {fail_at} ({ops.calls[fail_at]})"
        try:
            now = mark_of(live)
            assert now in ("todo.db today", "todo.db day 4"), now
            if now == "todo.db day 4":
                assert "todo.db today" in safety_marks(engine)
            assert slots(engine, "todo.db") == generations_before
            assert FileOps().check(live) is None
            # The disk is healthy again: the restore goes through.
            engine.ops = FileOps()
            engine.restore("todo.db", 3, who="next")
            assert mark_of(live) == "todo.db day 4"
            assert engine.verify().ok
        except AssertionError as exc:
            raise AssertionError(f"{context}: {exc}") from exc
