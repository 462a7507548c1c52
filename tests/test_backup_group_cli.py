"""`flask --app portal backup-group ...`: every command, as an operator uses it, checked
against what the pages then show and what is stored."""

from __future__ import annotations

from datetime import time

import pytest

from portal.reminder import store
from portal.web import get_db


@pytest.fixture
def runner(app, people):
    return app.test_cli_runner()


def stored(app) -> store.ReminderSettings:
    with app.app_context():
        return store.get_settings(get_db("system.db"))


def members(app) -> list[str]:
    with app.app_context():
        return [u.login for u in store.members(get_db("system.db"))]


def test_add_and_remove_change_the_group(app, runner):
    added = runner.invoke(args=["backup-group", "add", "alice", "bob"])
    assert added.exit_code == 0, added.output
    assert "Added to the Data Backup Group: Alice Brown, Bob Clark" in added.output
    assert members(app) == ["alice", "bob"]
    removed = runner.invoke(args=["backup-group", "remove", "bob"])
    assert removed.exit_code == 0 and "Removed from the Data Backup Group: Bob Clark" in (
        removed.output
    )
    assert members(app) == ["alice"]


def test_an_unknown_login_changes_nobody(app, runner):
    result = runner.invoke(args=["backup-group", "add", "alice", "nobody"])
    assert result.exit_code == 1
    assert "No such user: nobody." in result.output
    assert members(app) == []
    assert runner.invoke(args=["backup-group", "remove", "ghost"]).exit_code == 1


def test_list_shows_the_switch_the_window_and_the_members(app, runner):
    empty = runner.invoke(args=["backup-group", "list"])
    assert empty.exit_code == 0
    assert "Schedule Data Backup: off; reminder window 12:00 to 18:00" in empty.output
    assert "The Data Backup Group is empty." in empty.output
    runner.invoke(args=["backup-group", "add", "carol"])
    listed = runner.invoke(args=["backup-group", "list"]).output
    assert "carol" in listed and "Carol Diaz" in listed
    assert "empty" not in listed


def test_enable_and_disable_switch_the_reminder(app, runner):
    on = runner.invoke(args=["backup-group", "enable"])
    assert on.exit_code == 0 and "Schedule Data Backup is on." in on.output
    assert stored(app).enabled
    off = runner.invoke(args=["backup-group", "disable"])
    assert off.exit_code == 0 and "Schedule Data Backup is off." in off.output
    assert not stored(app).enabled


def test_window_sets_the_reminder_window(app, runner):
    result = runner.invoke(args=["backup-group", "window", "13:30", "17:00"])
    assert result.exit_code == 0 and "Reminder window: 13:30 to 17:00." in result.output
    assert (stored(app).start, stored(app).end) == (time(13, 30), time(17, 0))


@pytest.mark.parametrize(
    ("start", "end", "says"),
    [
        ("noon", "18:00", "'noon' is not a time like 12:00"),
        ("18:00", "12:00", "end"),
        ("12:00", "25:00", "'25:00' is not a time like 12:00"),
    ],
)
def test_a_bad_window_is_refused_and_nothing_changes(app, runner, start, end, says):
    result = runner.invoke(args=["backup-group", "window", start, end])
    assert result.exit_code != 0
    assert says in result.output
    assert (stored(app).start, stored(app).end) == (time(12), time(18))


def test_every_change_is_in_the_audit_log(app, runner):
    for args in (["add", "alice"], ["remove", "alice"], ["enable"], ["window", "12:00", "17:00"]):
        assert runner.invoke(args=["backup-group", *args]).exit_code == 0
    with app.app_context():
        actions = [
            row[0]
            for row in get_db("system.db").execute(
                "SELECT action FROM audit_log WHERE actor = 'command line' ORDER BY id"
            )
        ]
    assert actions == [
        "backup group changed",
        "backup group changed",
        "backup reminder switched",
        "backup reminder window",
    ]
