"""The last backup the portal page shows every member (issue 15): read from the backup
folder only when the folder or its ledger changed, and still right after every change
a backup, a rotation or a hand in the folder makes."""

from __future__ import annotations

import os

from portal.data_backup import status
from portal.web import data_backup_of


def reads_counted(monkeypatch):
    reads = []
    real = status._read_last_backup
    monkeypatch.setattr(status, "_read_last_backup", lambda app: reads.append(1) or real(app))
    return reads


def test_read_once_then_again_only_after_a_change(app, clock, monkeypatch):
    reads = reads_counted(monkeypatch)
    with app.app_context():
        engine = data_backup_of(app).engine()
        assert status.last_backup(data_backup_of(app)) is None
        engine.run(who="alice")
        first = status.last_backup(data_backup_of(app))
        assert first.taken_by == "alice"
        before = len(reads)
        for _ in range(5):
            assert status.last_backup(data_backup_of(app)) == first
        assert len(reads) == before  # nothing changed: nothing read again

        clock.advance(days=1)
        engine.run(["todo.db"], who="bob")  # a rotation and a new newest copy
        second = status.last_backup(data_backup_of(app))
        assert second.taken_by == "bob" and second.taken_at > first.taken_at


def test_a_copy_deleted_by_hand_is_seen(app, clock):
    with app.app_context():
        engine = data_backup_of(app).engine()
        engine.run(who="alice")
        clock.advance(days=1)
        engine.run(["todo.db"], who="bob")
        assert status.last_backup(data_backup_of(app)).taken_by == "bob"
        os.remove(engine.layout.slot("todo.db", 0))  # bob's copy, gone
        assert status.last_backup(data_backup_of(app)).taken_by == "alice"


def test_a_missing_ledger_and_missing_copies_are_seen(app):
    with app.app_context():
        engine = data_backup_of(app).engine()
        engine.run(who="alice")
        os.remove(engine.layout.ledger)
        assert (
            status.last_backup(data_backup_of(app)) is not None
        )  # the copies on disk still say when
        for name in list(engine.sources):
            os.remove(engine.layout.slot(name, 0))
        assert status.last_backup(data_backup_of(app)) is None


def test_the_backup_page_says_what_was_backed_up_when(app, people, clock):
    """Issue 24, item 7: after only todo.db was backed up, "Last backup: ... by Bob
    Clark" overstated it: the page says which files that backup copied, the others'
    older copies, and the files never backed up."""
    import html

    from tests.helpers import PASSWORD, login

    with app.app_context():
        engine = data_backup_of(app).engine()
        engine.run(["schedule.db"], who="alice")
        clock.advance(days=1)
        engine.run(["todo.db"], who="bob")
        last = status.last_backup(data_backup_of(app))
    assert (last.taken_by, last.files, last.never) == (
        "bob",
        ("todo.db",),
        (
            "system.db",
            "bulletin.db",
        ),
    ) or (last.files == ("todo.db",) and set(last.never) == {"system.db", "bulletin.db"})
    assert [name for name, _at in last.earlier] == ["schedule.db"]
    from portal.reminder import store as reminder
    from portal.web import get_db

    with app.app_context():
        reminder.add_members(get_db("system.db"), [people["alice"].id], clock())
    member = app.test_client()
    login(member, "alice", PASSWORD)
    page = " ".join(html.unescape(member.get("/backup/").get_data(as_text=True)).split())
    assert "by Bob Clark, of todo.db only." in page
    assert "Before that: schedule.db 27 Nov 2026" in page
    assert "Never backed up:" in page and "system.db" in page and "bulletin.db" in page
    with app.app_context():
        clock.advance(hours=1)
        engine.run(who="bob")
        assert status.last_backup(data_backup_of(app)).every_file
    page = " ".join(html.unescape(member.get("/backup/").get_data(as_text=True)).split())
    assert "by Bob Clark, every data file." in page and "Never backed up" not in page
