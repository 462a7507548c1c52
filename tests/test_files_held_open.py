"""Issue 14: files held open by another program. Windows refuses to rename, replace or
delete a file that an antivirus scanner or the search indexer is reading (WinError 5 or
32), for seconds on a large copy. Every such step of a backup, a restore and the off-site
copy waits with growing pauses for FILE_HELD_SECONDS, then fails naming the file.

The injection: at every bare step of a clean run (each rename, delete, copy, truncation,
text write), that step is refused as a held file is, for k attempts. Below the patience
the run succeeds with the same result; above it the run fails saying the file is held
open, and nothing is lost. The clock and the pauses are fake: no real time passes."""

from __future__ import annotations

import errno
import shutil
from datetime import date
from pathlib import Path

import pytest

from portal.backup import BackupError
from portal.backup.fileops import FileOps
from portal.backup.held import FileHeld, Patience, is_held, retry_held
from portal.data_backup.offsite import newest_local
from portal.offsite import Keep, OffsiteError, send
from portal.offsite.shareops import ShareOps
from portal.offsite.verify import verify as verify_offsite
from tests.backup_helpers import NAMES, full_generations, local, make_engine, mark_of, slots
from tests.helpers import FakeClock
from tests.offsite_helpers import share_at
from tests.test_backup_faults import check_nothing_lost, check_only_sound_copies

RAW_STEPS = ("raw_replace", "raw_unlink", "raw_copy", "raw_truncate", "raw_write_text")
# Within FILE_HELD_SECONDS (10) the pauses 0.05, 0.1, 0.2, 0.4, 0.8, then 1 s allow 13
# attempts; 3 is a scanner that lets go, 1,000 one that never does.
BRIEFLY, FOR_GOOD = 3, 1000


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


def patience(fake: FakeTime) -> Patience:
    return Patience(seconds=10, sleep=fake.sleep, monotonic=fake.monotonic)


def held_error(path) -> PermissionError:
    """What Windows raises for a file in use: a PermissionError with winerror 32."""
    error = PermissionError(
        errno.EACCES,
        "The process cannot access the file because it is being used by another process",
        str(path),
    )
    error.winerror = 32
    return error


class HeldOps(ShareOps):
    """The bare step number `held_at` (counted over all of RAW_STEPS) is refused `times`
    times, as a file held open by another program is."""

    def __init__(self, patience: Patience, held_at: int | None = None, times: int = 0):
        super().__init__(patience)
        self.held_at, self.times = held_at, times
        self.calls: list[str] = []
        self.refused = 0

    def _bare(self, name, real, *args):
        if self.calls and self.calls[-1] == (name, args) and self.refused:
            pass  # a retry of the same step
        else:
            self.calls.append((name, args))
        if len(self.calls) - 1 == self.held_at and self.refused < self.times:
            self.refused += 1
            raise held_error(args[-1] if name != "raw_write_text" else args[0])
        return real(self, *args)


for _name in RAW_STEPS:

    def _method(self, *args, _name=_name):
        return self._bare(_name, getattr(ShareOps, _name), *args)

    setattr(HeldOps, _name, _method)


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    return full_generations(tmp_path_factory.mktemp("held"))


def fresh(prepared: Path, tmp_path: Path, ops: FileOps):
    root = tmp_path / "site"
    shutil.copytree(prepared, root)
    return make_engine(root, FakeClock(local(2026, 11, 27, 10, 0)), ops)


def count_bare_steps(prepared, tmp_path, act) -> int:
    ops = HeldOps(patience(FakeTime()))
    act(fresh(prepared, tmp_path / "count", ops))
    return len(ops.calls)


def back_up(engine):
    return engine.run(who="alice")


def test_the_helper_waits_with_growing_pauses_then_names_the_file(tmp_path):
    fake = FakeTime()
    attempts = []

    def refused():
        attempts.append(1)
        raise held_error(tmp_path / "todo.db")

    with pytest.raises(FileHeld) as caught:
        retry_held(refused, tmp_path / "todo.db", "renamed or replaced", patience(fake))
    assert fake.slept[:6] == [0.05, 0.1, 0.2, 0.4, 0.8, 1.0] and max(fake.slept) == 1.0
    assert 9 < sum(fake.slept) <= 10 and len(attempts) == len(fake.slept) + 1
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'todo.db'} could not be renamed or replaced for 10")
    assert "another program holds it open (an antivirus scanner, the search indexer" in message
    # Other errors are not waited for: a full disk fails at once.
    fake = FakeTime()
    with pytest.raises(OSError, match="No space"):
        retry_held(
            lambda: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device")),
            tmp_path / "x",
            "written",
            patience(fake),
        )
    assert fake.slept == []
    sharing_violation = OSError(errno.EINVAL, "in use")
    sharing_violation.winerror = 32
    assert is_held(sharing_violation) and is_held(OSError(errno.EBUSY, "busy"))
    assert not is_held(OSError(errno.ENOENT, "gone"))


def test_a_clean_run_has_bare_steps_of_every_kind(prepared, tmp_path):
    ops = HeldOps(patience(FakeTime()))
    fresh(prepared, tmp_path, ops).run(who="alice")
    assert {name for name, _ in ops.calls} >= {"raw_replace", "raw_truncate", "raw_write_text"}


def test_a_file_held_briefly_at_any_step_of_a_backup_changes_nothing(prepared, tmp_path):
    total = count_bare_steps(prepared, tmp_path, back_up)
    for step in range(total):
        fake = FakeTime()
        ops = HeldOps(patience(fake), held_at=step, times=BRIEFLY)
        engine = fresh(prepared, tmp_path / f"brief-{step}", ops)
        result = engine.run(who="alice")
        assert ops.refused == BRIEFLY and len(fake.slept) == BRIEFLY
        assert [f.name for f in result.files] == list(NAMES)
        for name in NAMES:
            assert slots(engine, name) == [f"{name} today"] + [
                f"{name} day {d}" for d in range(7, 0, -1)
            ]
        assert engine.verify().ok


def test_a_file_held_for_good_at_any_step_of_a_backup_fails_naming_it_and_loses_nothing(
    prepared, tmp_path
):
    total = count_bare_steps(prepared, tmp_path, back_up)
    failed = 0
    for step in range(total):
        ops = HeldOps(patience(FakeTime()), held_at=step, times=FOR_GOOD)
        engine = fresh(prepared, tmp_path / f"held-{step}", ops)
        try:
            engine.run(who="alice")
        except BackupError as exc:
            failed += 1
            assert "another program holds it open" in str(exc), str(exc)
        check_nothing_lost(engine)
        check_only_sound_copies(engine)
        # Once the other program lets go, the next run completes.
        engine.ops = FileOps()
        engine.run(who="alice")
        assert [slots(engine, name)[0] for name in NAMES] == [f"{n} today" for n in NAMES]
    assert failed > total // 2  # most steps cannot be skipped; deleting leftovers can


def test_a_file_held_at_any_step_of_a_restore(prepared, tmp_path):
    def restore(engine):
        return engine.restore("todo.db", 3, who="admin")

    total = count_bare_steps(prepared, tmp_path, restore)
    for step in range(total):
        briefly = fresh(
            prepared,
            tmp_path / f"rb-{step}",
            HeldOps(patience(FakeTime()), held_at=step, times=BRIEFLY),
        )
        restore(briefly)
        assert mark_of(briefly.sources["todo.db"].path) == "todo.db day 4"
        held = fresh(
            prepared,
            tmp_path / f"rh-{step}",
            HeldOps(patience(FakeTime()), held_at=step, times=FOR_GOOD),
        )
        live = held.sources["todo.db"].path
        try:
            restore(held)
        except BackupError as exc:
            assert "another program holds it open" in str(exc)
            assert mark_of(live) == "todo.db today"  # the live file as it was
        else:
            assert mark_of(live) == "todo.db day 4"  # only a cleanup step was held
        assert held.verify().ok


def test_a_file_held_at_any_step_of_the_off_site_copy(prepared, tmp_path):
    def send_off(engine, ops):
        share = engine.layout.root.parent / "nas"
        share.mkdir(exist_ok=True)
        folder = share_at(share, ops)
        return folder, send(folder, newest_local(engine), date(2026, 11, 27), Keep())

    counting = HeldOps(patience(FakeTime()))
    send_off(fresh(prepared, tmp_path / "count", FileOps()), counting)
    for step in range(len(counting.calls)):
        ops = HeldOps(patience(FakeTime()), held_at=step, times=BRIEFLY)
        folder, result = send_off(fresh(prepared, tmp_path / f"ob-{step}", FileOps()), ops)
        assert sorted(result.sent) == sorted(NAMES) and verify_offsite(folder).ok
        ops = HeldOps(patience(FakeTime()), held_at=step, times=FOR_GOOD)
        engine = fresh(prepared, tmp_path / f"oh-{step}", FileOps())
        try:
            folder, _ = send_off(engine, ops)
        except OffsiteError as exc:
            assert "another program holds it open" in str(exc)
            folder = share_at(engine.layout.root.parent / "nas")
        assert verify_offsite(folder).ok and engine.verify().ok
