"""The forwarding decision with an injected clock, at the edges of the window and of
the day, including a daylight-saving change day."""

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from portal.reminder import store
from portal.reminder.rules import ReminderState, in_window, load_state, should_forward
from portal.web import get_db

BERLIN = ZoneInfo("Europe/Berlin")
DUE = ReminderState(enabled=True, member=True, done_today=False, skipped_today=False)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


@pytest.mark.parametrize(
    ("moment", "forwarded"),
    [
        (at(2026, 11, 27, 11, 59, 59), False),
        (at(2026, 11, 27, 12, 0, 0), True),
        (at(2026, 11, 27, 15, 30, 0), True),
        (at(2026, 11, 27, 17, 59, 59), True),
        (at(2026, 11, 27, 18, 0, 0), False),
        (at(2026, 11, 27, 0, 0, 0), False),  # midnight
        (at(2026, 11, 27, 23, 59, 59), False),
    ],
)
def test_the_window_edges(moment, forwarded):
    assert should_forward(DUE, moment) is forwarded


@pytest.mark.parametrize(
    ("utc_hour", "utc_minute", "forwarded"),
    [
        # 29 March 2026: Berlin moves to summer time (UTC+2) at 02:00.
        (9, 59, False),  # 11:59 local
        (10, 0, True),  # 12:00 local
        (15, 59, True),  # 17:59 local
        (16, 0, False),  # 18:00 local
    ],
)
def test_a_daylight_saving_change_day(utc_hour, utc_minute, forwarded):
    from datetime import UTC

    moment = datetime(2026, 3, 29, utc_hour, utc_minute, tzinfo=UTC).astimezone(BERLIN)
    assert should_forward(DUE, moment) is forwarded


@pytest.mark.parametrize(
    "change",
    [
        {"enabled": False},
        {"member": False},
        {"done_today": True},
        {"skipped_today": True},
    ],
)
def test_each_condition_stops_the_forwarding(change):
    from dataclasses import replace

    assert not should_forward(replace(DUE, **change), at(2026, 11, 27, 14, 0))


def test_a_custom_window():
    state = ReminderState(True, True, False, False, start=time(9, 30), end=time(10, 0))
    assert should_forward(state, at(2026, 11, 27, 9, 30))
    assert not should_forward(state, at(2026, 11, 27, 10, 0))


def test_in_window():
    assert in_window(time(12), time(12), time(18))
    assert not in_window(time(18), time(12), time(18))


def test_load_state_reads_everything_in_one_query(app, people, clock):
    with app.app_context():
        conn = get_db("system.db")
        alice, bob = people["alice"], people["bob"]
        today = date(2026, 11, 27)
        assert load_state(conn, alice.id, today) == ReminderState(False, False, False, False)
        store.save_settings(conn, store.ReminderSettings(True, time(13), time(17)))
        store.add_members(conn, [alice.id], clock())
        store.record_skip(conn, alice.id, today, clock())
        state = load_state(conn, alice.id, today)
        assert state == ReminderState(True, True, False, True, time(13), time(17))
        assert not load_state(conn, bob.id, today).member
        assert not load_state(conn, alice.id, date(2026, 11, 28)).skipped_today
        store.record_done(conn, today, clock(), "bob")
        assert load_state(conn, bob.id, today).done_today
        statements = []
        conn.set_trace_callback(statements.append)
        load_state(conn, alice.id, today)
        conn.set_trace_callback(None)
        assert len(statements) == 1
        plan = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + statements[0]))
        assert not re.search(r"SCAN (?!CONSTANT ROW)", plan), plan  # every lookup uses a key
