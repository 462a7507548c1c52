"""Issue 14, found by the Windows-semantics double: a serving portal keeps a connection
per thread to each data file it has read. Restoring a damaged data file replaces it by a
rename, which Windows refuses while any handle to the file is open, the portal's own kept
connections included: the restore waited FILE_HELD_SECONDS and failed saying another
program held the file. The restore lets go of the portal's own connections to that file
first; they are opened again at the next request."""

from __future__ import annotations

from portal.data_backup import bootstrap
from portal.web import DATA_BACKUP, data_backup_of, get_db, instance_of


def test_restoring_a_damaged_file_the_portal_holds_open(app, people, instance_path, windows):
    app.config["FILE_HELD_SECONDS"] = 0.3  # read when Data Backup is built: built again
    app.extensions[DATA_BACKUP] = bootstrap.build(instance_of(app))
    with app.app_context():
        get_db("todo.db").execute(
            "INSERT INTO todos (owner_id, title, created_at) VALUES "
            "(1, 'kept', '2026-11-27T08:00:00+00:00')"
        )
        data_backup_of(app).run_backup(None, "alice")
    with app.app_context():
        get_db("todo.db").execute("SELECT count(*) FROM todos").fetchone()  # kept open
    live = instance_path / "data" / "todo.db"
    data = bytearray(live.read_bytes())
    data[:16] = b"not a database!!"  # damaged: only a rename can bring it back
    with open(live, "r+b") as handle:
        handle.write(bytes(data))
    with app.app_context():
        result = data_backup_of(app).restore("todo.db", 0, "admin")
    assert result.safety_copy is not None
    with app.app_context():
        titles = [r["title"] for r in get_db("todo.db").execute("SELECT title FROM todos")]
    assert titles == ["kept"]
