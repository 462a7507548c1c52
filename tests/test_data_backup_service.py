"""Issue 22, items 1 and 2: Data Backup is one service, built once for the app and handed
to the pages, the commands and the scheduler; each call is one unit of work on system.db.
Before, every caller passed `app` around and a backup run with an off-site folder opened
system.db six times (its audit entries, today's record, the off-site folder, the clock's
mistakes, the damaged off-site copies, the off-site outcome)."""

from __future__ import annotations

import sqlite3
import traceback
from pathlib import Path

import pytest

from portal.reminder import store as reminder_store
from portal.web import data_backup_of, get_db, instance_of
from tests.offsite_helpers import use_share


def test_the_service_is_built_once_and_knows_its_folders(app):
    service = data_backup_of(app)
    assert data_backup_of(app) is service
    assert service.backup_dir == Path(app.config["BACKUP_DIR"])
    assert service.data_dir == Path(app.config["DATA_DIR"])
    assert service.clock is instance_of(app).clock


def _system_db_opened_by_the_portal(monkeypatch, data_dir: Path) -> list[str]:
    """Every connection to the live system.db, except the engine's own (it reads the file
    it copies): where each was opened."""
    real, opened = sqlite3.connect, []

    def counting(database, *args, **kwargs):
        path = str(database)  # a path, or a URI: file:/.../system.db?mode=rw
        if str(data_dir / "system.db") in path:
            stack = traceback.extract_stack()[:-1]
            if not any("/portal/backup/" in frame.filename for frame in stack):
                opened.append(" < ".join(f"{f.name}" for f in reversed(stack[-6:])))
        return real(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", counting)
    return opened


def test_a_backup_run_with_an_off_site_copy_opens_system_db_once(
    app, people, tmp_path, monkeypatch
):
    use_share(app, tmp_path / "nas")
    opened = _system_db_opened_by_the_portal(monkeypatch, Path(app.config["DATA_DIR"]))
    result = data_backup_of(app).run_backup(None, "alice")
    assert any("Off-site copy" in note or "off site" in note for note in result.notes)
    assert len(opened) == 1, opened
    # ... and everything it records is there: the audit entries, today's record, the
    # off-site copy's outcome.
    monkeypatch.undo()
    with app.app_context():
        conn = get_db("system.db")
        actions = [row[0] for row in conn.execute("SELECT action FROM audit_log")]
        assert {"backup started", "backup completed", "off-site copy completed"} <= set(actions)
        assert reminder_store.done_day(conn, instance_of(app).clock.today()) is not None


def test_a_verify_and_a_restore_open_system_db_once_each(app, people, monkeypatch):
    service = data_backup_of(app)
    service.run_backup(None, "alice")
    opened = _system_db_opened_by_the_portal(monkeypatch, Path(app.config["DATA_DIR"]))
    service.verify("alice")
    assert len(opened) == 1, opened
    opened.clear()
    service.restore("todo.db", 0, "alice")
    # The restored file's schema check opens todo.db, not system.db; the audit entry is
    # the one connection.
    assert len(opened) == 1, opened


def test_a_system_db_that_cannot_be_opened_costs_the_record_never_the_call(tmp_path, clock, caplog):
    """A full disk or a missing system.db: the audit entry is logged as lost, and the
    backup or restore it belongs to goes on."""
    import logging

    from portal.clock import Clock
    from portal.unit_of_work import UnitOfWork

    zoned = Clock(clock, clock().tzinfo)
    with UnitOfWork(tmp_path / "gone.db", 100, zoned, logging.getLogger("t")) as records:
        with records.together("the run's record"):
            records.audit("backup completed", "alice", "todo.db (1 bytes)")
        records.write("today's record", lambda conn: conn.execute("SELECT 1"))
    assert "audit entry 'backup completed' (todo.db (1 bytes)) not written" in caplog.text
    assert "today's record not written" in caplog.text


def test_writes_together_are_committed_as_one(tmp_path, clock):
    """Inside `together`, nothing is visible to another connection before the end; a
    failed write is undone alone and logged, the others are committed."""
    import logging

    from portal.clock import Clock
    from portal.db import connect
    from portal.unit_of_work import UnitOfWork

    path = tmp_path / "x.db"
    setup = connect(path, create=True)
    setup.execute("CREATE TABLE t (v TEXT NOT NULL)")
    zoned = Clock(clock, clock().tzinfo)
    with (
        UnitOfWork(path, 100, zoned, logging.getLogger("t")) as records,
        records.together("both"),
    ):
        records.write("one", lambda conn: conn.execute("INSERT INTO t VALUES ('one')"))
        records.write("bad", lambda conn: conn.execute("INSERT INTO t VALUES (NULL)"))
        assert setup.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    assert [r[0] for r in setup.execute("SELECT v FROM t")] == ["one"]


def test_a_unit_of_work_that_cannot_begin_or_meets_a_bug(tmp_path, clock, caplog):
    """Another writer holds system.db past the busy timeout: the writes are logged as not
    written, the call goes on. A bug inside the block undoes its writes and is raised."""
    import logging

    import pytest

    from portal.clock import Clock
    from portal.db import connect
    from portal.unit_of_work import UnitOfWork

    path = tmp_path / "x.db"
    setup = connect(path, create=True)
    setup.execute("CREATE TABLE t (v TEXT)")
    zoned = Clock(clock, clock().tzinfo)
    setup.execute("BEGIN IMMEDIATE")  # another writer, for longer than the busy timeout
    with (
        UnitOfWork(path, 50, zoned, logging.getLogger("t")) as records,
        records.together("both"),
    ):
        records.write("one", lambda conn: conn.execute("INSERT INTO t VALUES ('one')"))
    setup.execute("ROLLBACK")
    assert "both not written together: database is locked" in caplog.text
    assert "one not written: database is locked" in caplog.text

    with (
        UnitOfWork(path, 50, zoned, logging.getLogger("t")) as records,
        pytest.raises(ZeroDivisionError),
        records.together("both"),
    ):
        records.write("one", lambda conn: conn.execute("INSERT INTO t VALUES ('one')"))
        _ = 1 / 0
    assert setup.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_a_step_reads_through_the_callers_connection_or_its_own(app):
    """The off-site steps within a backup read system.db through the run's one connection
    (db.open_unless_given); called alone, each opens one of its own and closes it."""
    from portal.db import data_path, open_data_file, open_unless_given

    with open_data_file("system.db", instance_of(app)) as conn:
        with open_unless_given(conn, "system.db", instance_of(app)) as given:
            assert given is conn
        with open_unless_given(None, "system.db", instance_of(app)) as own:
            assert own is not conn
            assert own.execute("PRAGMA database_list").fetchone()[2] == str(
                data_path("system.db", instance_of(app).data_dir)
            )
    with pytest.raises(sqlite3.ProgrammingError):  # closed when the block ended
        own.execute("SELECT 1")
