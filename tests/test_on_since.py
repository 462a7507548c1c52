""" "Switched on since", written one way for the automatic backup and the reminder (issue
22): a setting that is on keeps the moment it was switched on, or its rule last changed;
switching it on or changing its rule starts the moment again; a setting that is off has
none. The watch never calls a day before that moment missed."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from portal import db
from portal.datafiles import data_file
from portal.nightly import store as nightly
from portal.reminder import store as reminder
from portal.settings_store import on_since

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("stored", "on", "same_rule", "expected"),
    [
        ({}, False, False, {}),  # off: nothing
        ({"since": MONDAY.isoformat()}, False, True, {}),  # switched off: forgotten
        ({}, True, False, {"since": TUESDAY.isoformat()}),  # switched on now
        ({"since": MONDAY.isoformat()}, True, True, {"since": MONDAY.isoformat()}),  # kept
        ({"since": MONDAY.isoformat()}, True, False, {"since": TUESDAY.isoformat()}),  # new rule
        ({}, True, True, {"since": TUESDAY.isoformat()}),  # on, but the moment unknown
    ],
)
def test_the_rule(stored, on, same_rule, expected):
    assert on_since(stored, "since", on=on, same_rule=same_rule, now=TUESDAY) == expected


def test_without_a_clock_no_moment_is_made_up():
    assert on_since({}, "since", on=True, same_rule=False, now=None) == {}


@pytest.fixture
def conn(tmp_path):
    conn = db.connect(tmp_path / "system.db", create=True)
    db.migrate(conn, data_file("system.db"))
    yield conn
    conn.close()


def test_the_automatic_backup_starts_again_when_its_time_changes(conn):
    nightly.save_setting(conn, nightly.AutomaticSetting(True, time(2, 0)), MONDAY)
    nightly.save_setting(conn, nightly.AutomaticSetting(True, time(2, 0)), TUESDAY)
    assert nightly.get_setting(conn).since == MONDAY  # saved again unchanged: kept
    nightly.save_setting(conn, nightly.AutomaticSetting(True, time(3, 0)), TUESDAY)
    assert nightly.get_setting(conn).since == TUESDAY  # another time: another rule
    nightly.save_setting(conn, nightly.AutomaticSetting(False, time(3, 0)), TUESDAY)
    assert nightly.get_setting(conn).since is None


def test_the_reminder_keeps_its_moment_when_only_its_window_changes(conn):
    reminder.save_settings(conn, reminder.ReminderSettings(True, time(12), time(18)), MONDAY)
    reminder.save_settings(conn, reminder.ReminderSettings(True, time(13), time(17)), TUESDAY)
    assert reminder.on_since(conn) == MONDAY
    reminder.save_settings(conn, reminder.ReminderSettings(False, time(13), time(17)), TUESDAY)
    assert reminder.on_since(conn) is None
    reminder.save_settings(conn, reminder.ReminderSettings(True, time(13), time(17)), TUESDAY)
    assert reminder.on_since(conn) == TUESDAY
