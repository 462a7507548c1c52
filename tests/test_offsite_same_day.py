"""Issue 20, item 16: a second backup on the same day never costs that day. On a share
that cannot rename over an existing file (some SFTP servers and NAS), and with a failure
at any step of the second run, the day stays complete and restorable until its
replacement is complete."""

from __future__ import annotations

import contextlib
import errno
import os
from datetime import date

import pytest

from portal.data_backup.offsite import newest_local
from portal.offsite import OffsiteError, send
from portal.offsite.shareops import ShareOps
from portal.offsite.verify import verify
from tests.backup_helpers import NAMES, local, make_engine, mark_of, set_mark
from tests.helpers import FakeClock
from tests.offsite_helpers import back_up_and_send, share_at

DAY = date(2026, 11, 27)


class NoRenameOver(ShareOps):
    """A share whose server renames only to a free name (SFTP without posix-rename)."""

    def raw_replace(self, source, target):
        if os.path.lexists(target):
            raise PermissionError(errno.EPERM, "Operation not permitted", str(target))
        super().raw_replace(source, target)


class FailAt(NoRenameOver):
    """Fails the file step number `at` (counted over the bare steps)."""

    def __init__(self, at: int | None = None):
        super().__init__()
        self.at, self.steps = at, 0

    def _count(self):
        self.steps += 1
        if self.at is not None and self.steps - 1 == self.at:
            raise OSError(errno.EIO, "injected failure")

    def raw_replace(self, source, target):
        self._count()
        super().raw_replace(source, target)

    def raw_copy(self, source, target, seal=None):
        self._count()
        return super().raw_copy(source, target, seal)

    def raw_unlink(self, path):
        self._count()
        super().raw_unlink(path)

    def raw_write_text(self, path, text):
        self._count()
        super().raw_write_text(path, text)

    def raw_truncate(self, path, step):
        self._count()
        super().raw_truncate(path, step)


def _site(tmp_path, ops):
    clock = FakeClock(local(2026, 11, 27, 9, 0))
    engine = make_engine(tmp_path / "site", clock)
    share = share_at(tmp_path / "nas", ops, names=NAMES)
    back_up_and_send(engine, share)  # the morning's complete copy
    morning = mark_of(share.path_of(share.day(DAY).manifest.item("todo.db")))
    clock.advance(hours=6)
    set_mark(engine.sources["todo.db"].path, "the afternoon")
    engine.run(who="alice")
    return engine, share, morning


def _restorable(share) -> str:
    """The day is complete and every copy is as its manifest says; todo.db's mark."""
    day = share.day(DAY)
    assert verify(share).ok
    return mark_of(share.path_of(day.manifest.item("todo.db")))


def test_a_second_run_on_a_share_that_cannot_rename_over_a_file_completes(tmp_path):
    engine, share, _morning = _site(tmp_path, NoRenameOver())
    result = send(share, newest_local(engine), DAY)
    assert result.sent == ["todo.db"]
    assert _restorable(share) == "the afternoon"


def test_a_failure_at_any_step_of_a_second_run_keeps_the_day(tmp_path):
    engine, share, _ = _site(tmp_path / "count", FailAt())
    share.ops.steps = 0
    send(share, newest_local(engine), DAY)
    steps = share.ops.steps
    assert steps >= 5
    for at in range(steps):
        engine, share, morning = _site(tmp_path / f"at-{at}", FailAt())
        share.ops.steps, share.ops.at = 0, at  # fail the second run's step `at`
        with contextlib.suppress(OffsiteError):
            send(share, newest_local(engine), DAY)
        assert _restorable(share) in (morning, "the afternoon"), at
        share.ops.at = None  # the next try completes it
        send(share, newest_local(engine), DAY)
        assert _restorable(share) == "the afternoon", at


@pytest.mark.parametrize("runs", [3, 5])
def test_many_runs_a_day_keep_one_manifest_and_one_copy_each(tmp_path, runs):
    engine, share, _ = _site(tmp_path, NoRenameOver())
    for n in range(runs):
        set_mark(engine.sources["todo.db"].path, f"run {n}")
        engine.run(who="alice")
        send(share, newest_local(engine), DAY)
    assert _restorable(share) == f"run {runs - 1}"
    names = sorted(p.name for p in share.day_path(DAY).iterdir())
    assert len([n for n in names if n.startswith("manifest")]) == 1, names
    assert len([n for n in names if n.startswith("todo")]) == 1, names
