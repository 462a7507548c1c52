"""Issue 13: a failure or a kill at every step of the off-site copy (and of the pruning
that follows it) leaves every dated folder complete or without a manifest, never a
wrong copy; the local backup is untouched; the next try completes the day."""

from __future__ import annotations

import errno
import os
import shutil
import sys
from datetime import date

import pytest

from portal.data_backup.offsite import newest_local
from portal.offsite import Keep, OffsiteError, send
from portal.offsite.shareops import ShareOps
from portal.offsite.verify import verify
from tests.backup_helpers import local, make_engine, set_mark
from tests.helpers import FakeClock
from tests.offsite_helpers import back_up_and_send, share_at

# Pruning down to one day moves system.db (never changed) to kept-copies/ on day 3.
KEEP = Keep(daily=1, weekly=0, monthly=0)
STEPS = (
    "copy_flushed",
    "sha256",
    "replace",
    "fsync_dir",
    "write_atomic",
    "unlink",
    "delete_copy",
    "rmdir",
    "mkdir_share",
    "rename_folder",
)


class Counting(ShareOps):
    """Counts the file steps; at step `fail_at` it fails (or the process dies)."""

    def __init__(self, fail_at: int | None = None, kill: bool = False):
        self.calls: list[str] = []
        self.fail_at, self.kill = fail_at, kill

    def _step(self, name: str) -> None:
        self.calls.append(name)
        if self.fail_at is not None and len(self.calls) - 1 == self.fail_at:
            if self.kill:
                os._exit(0)  # no finally block runs, as with a power cut or a kill
            raise OSError(errno.EIO, f"injected failure in {name}")


for _name in STEPS:

    def _wrapped(self, *args, _name=_name, **kwargs):
        self._step(_name)
        return getattr(ShareOps, _name)(self, *args, **kwargs)

    setattr(Counting, _name, _wrapped)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """Two complete days on the share; day 3's backup made locally, not yet sent."""
    root = tmp_path_factory.mktemp("offsite-template")
    clock = FakeClock(local(2026, 11, 25, 13, 0))
    engine = make_engine(root, clock)
    (root / "nas").mkdir()
    share = share_at(root / "nas")
    back_up_and_send(engine, share, keep=KEEP)
    clock.advance(days=1)
    back_up_and_send(engine, share, keep=KEEP)
    clock.advance(days=1)
    set_mark(engine.sources["todo.db"].path, "day 3")
    engine.run(who="alice")
    return root


def _site(template, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(template, root)
    engine = make_engine(root, FakeClock(local(2026, 11, 27, 13, 0)))
    return engine, root / "nas"


def _steps_of_a_send(template, tmp_path) -> list[str]:
    engine, nas = _site(template, tmp_path / "count")
    ops = Counting()
    send(share_at(nas, ops), newest_local(engine), date(2026, 11, 27), KEEP)
    return ops.calls


def _no_wrong_copy(engine, nas) -> None:
    report = verify(share_at(nas))
    assert report.ok, report.problems
    assert engine.verify().ok  # the local backup is untouched


def test_a_send_has_the_steps_the_faults_cover(template, tmp_path):
    calls = _steps_of_a_send(template, tmp_path)
    assert {"copy_flushed", "replace", "write_atomic", "delete_copy", "rmdir"} <= set(calls)


def test_a_failure_at_every_step_leaves_no_wrong_copy_and_the_next_try_completes(
    template, tmp_path
):
    total = len(_steps_of_a_send(template, tmp_path))
    for step in range(total):
        engine, nas = _site(template, tmp_path / f"fail-{step}")
        ops = Counting(fail_at=step)
        try:
            done = send(share_at(nas, ops), newest_local(engine), date(2026, 11, 27), KEEP)
        except OffsiteError:
            done = None  # the copy itself failed: the day stays incomplete
        else:
            # A failure after the manifest (pruning), or in cleaning up a work file that
            # is already gone: the day is complete, and a failed pruning says so.
            assert ops.calls.index("write_atomic") < step or ops.calls[step] == "unlink"
            assert done.notes or ops.calls[step] == "unlink"
        _no_wrong_copy(engine, nas)
        send(share_at(nas), newest_local(engine), date(2026, 11, 27), KEEP)
        _no_wrong_copy(engine, nas)
        days = share_at(nas).complete_days()
        assert [d.day for d in days] == [date(2026, 11, 27)]  # complete, and pruned


@pytest.mark.skipif(sys.platform == "win32", reason="fork")
def test_a_kill_at_every_step_leaves_no_wrong_copy_and_the_next_try_completes(template, tmp_path):
    total = len(_steps_of_a_send(template, tmp_path))
    for step in range(total):
        engine, nas = _site(template, tmp_path / f"kill-{step}")
        pid = os.fork()
        if pid == 0:  # the child sends, and dies at the chosen step
            try:
                ops = Counting(fail_at=step, kill=True)
                send(share_at(nas, ops), newest_local(engine), date(2026, 11, 27), KEEP)
            finally:
                os._exit(3)  # the step was never reached: the parent sees it
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, f"step {step} was not reached"
        _no_wrong_copy(engine, nas)
        send(share_at(nas), newest_local(engine), date(2026, 11, 27), KEEP)
        _no_wrong_copy(engine, nas)
        days = share_at(nas).complete_days()
        assert [d.day for d in days] == [date(2026, 11, 27)]
