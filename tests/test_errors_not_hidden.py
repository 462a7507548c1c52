"""Issue 22, item 7: a bug is never dressed up as a backup problem. The copy step caught
every exception as "the copy failed", and the restore's safety copy turned any bug into
"the safety copy could not be made": a programming error read like a full disk, and
nobody looked for it. Now only the errors those words describe (the disk, the file,
SQLite) are said so; anything else reaches the caller (a 500 page and a traceback in the
log), and nothing is lost on the way."""

from __future__ import annotations

import sqlite3

import pytest

from portal.backup import BackupError
from portal.backup.fileops import FileOps
from tests.backup_helpers import local, make_engine, mark_of, set_mark
from tests.helpers import FakeClock


class Buggy(FileOps):
    """A snapshot step with a programming error in it (or a failing disk)."""

    def __init__(self, error: BaseException):
        super().__init__()
        self.error, self.armed = error, True

    def snapshot(self, source, target, progress=None):
        if self.armed:
            raise self.error
        return super().snapshot(source, target, progress)


@pytest.mark.parametrize(
    "error, said",
    [
        (sqlite3.OperationalError("database or disk is full"), True),
        (OSError(28, "No space left on device"), True),
        (TypeError("a bug: unsupported operand"), False),
        (KeyError("a bug"), False),
    ],
)
def test_the_copy_step_says_only_what_it_knows(tmp_path, error, said):
    ops = Buggy(error)
    engine = make_engine(tmp_path, FakeClock(local(2026, 12, 6, 13, 0)), ops)
    if said:
        with pytest.raises(BackupError, match="todo.db: the copy"):
            engine.run(["todo.db"], who="alice")
    else:
        with pytest.raises(type(error)):
            engine.run(["todo.db"], who="alice")
    assert not engine.layout.slot("todo.db", 0).exists()  # nothing half-made kept


@pytest.mark.parametrize(
    "error, said",
    [
        (OSError(28, "No space left on device"), True),
        (PermissionError(13, "Permission denied"), True),
        (TypeError("a bug: unsupported operand"), False),
    ],
)
def test_the_safety_copy_says_only_what_it_knows(tmp_path, error, said):
    ops = Buggy(error)
    ops.armed = False
    engine = make_engine(tmp_path, FakeClock(local(2026, 12, 6, 13, 0)), ops)
    live = engine.sources["todo.db"].path
    set_mark(live, "backed up")
    engine.run(["todo.db"], who="alice")
    set_mark(live, "typed since")
    ops.armed = True  # the safety copy's snapshot fails
    if said:
        with pytest.raises(BackupError, match="The safety copy of the live todo.db"):
            engine.restore("todo.db", 0, who="admin")
    else:
        with pytest.raises(type(error)):
            engine.restore("todo.db", 0, who="admin")
    assert mark_of(live) == "typed since"  # not restored over without its safety copy
