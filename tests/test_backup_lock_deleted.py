"""Issue 20, item 15: deleting (or replacing) .backup.lock during a run let a second run
start beside it and remove the first run's work file. A run's lock holds whatever
happens to its file."""

from __future__ import annotations

import os

import pytest

from portal.backup import lock
from portal.backup.errors import BackupBusy
from portal.backup.layout import Layout
from tests.backup_helpers import local

NOW = local(2026, 11, 27, 14, 0)


@pytest.mark.skipif(os.name != "posix", reason="Windows refuses to delete an open file")
@pytest.mark.parametrize("how", ["deleted", "replaced"])
def test_a_held_lock_holds_when_its_file_is_deleted_or_replaced(tmp_path, how):
    layout = Layout(tmp_path / "backup")
    layout.root.mkdir()
    with lock.exclusive(layout, "alice", NOW, wait=0):
        layout.lock.unlink()
        if how == "replaced":
            layout.lock.write_text("")
        with (
            pytest.raises(BackupBusy, match="started by alice at 14:00"),
            lock.exclusive(layout, "bob", NOW, wait=0.3),
        ):
            pass
    with lock.exclusive(layout, "bob", NOW, wait=0):  # free again once the first ends
        pass


def test_a_run_with_its_lock_file_deleted_is_not_joined_by_a_second_run(tmp_path):
    """Through the engine: the second run is told a backup is running, and the first
    run's work is untouched."""
    from tests.backup_helpers import make_engine
    from tests.helpers import FakeClock

    engine = make_engine(tmp_path, FakeClock(NOW))
    engine.run(who="setup")
    with engine.locked("alice", NOW, wait=0):
        work = engine.layout.partial("todo.db")
        work.write_bytes(b"the first run's work")
        engine.layout.lock.unlink()
        with pytest.raises(BackupBusy):
            engine.run(who="bob")
        assert work.read_bytes() == b"the first run's work"
