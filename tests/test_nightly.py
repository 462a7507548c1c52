"""The automatic backup: when it is due (with an injected clock), what a run records,
failure, one run at a time, the command for the operating system's scheduler, and
scheduler leadership."""

from __future__ import annotations

from datetime import time

import pytest
from filelock import FileLock

from portal import startup
from portal.backup.fileops import FileOps
from portal.data_backup import records
from portal.nightly import job, rules, runner, store
from portal.reminder import store as reminder_store
from portal.web import data_backup_of, get_db, instance_of
from tests.helpers import submit, utc
from tests.settings_helpers import elevated

ON_AT_MIDNIGHT = store.AutomaticSetting(True, time(0, 0))
ON_AT_TWO = store.AutomaticSetting(True, time(2, 0))


def at(hour, minute=0, second=0):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime(2026, 11, 27, hour, minute, second, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("setting", "moment", "due"),
    [
        (store.AutomaticSetting(False), at(3), False),  # off
        (ON_AT_TWO, at(1, 59, 59), False),  # before the set time
        (ON_AT_TWO, at(2, 0, 0), True),  # at it
        (ON_AT_TWO, at(15, 0), True),  # missed (the portal was down): caught up that day
        (ON_AT_MIDNIGHT, at(0, 0, 0), True),
    ],
)
def test_when_it_is_due(setting, moment, due):
    assert rules.is_due(setting, None, moment) is due


@pytest.mark.parametrize("outcome", ["ok", "failed"])
def test_once_it_ran_today_it_is_not_due_again(outcome):
    ran = records.AutomaticRun(at(2).date(), at(2, 1), outcome, "")
    assert not rules.is_due(ON_AT_TWO, ran, at(3))


def set_automatic(app, setting):
    with app.app_context():
        store.save_setting(get_db("system.db"), setting)


def run_if_due(app):
    """The scheduler's job, as a tick calls it: with the instance and the service."""
    return job.run_if_due(instance_of(app), data_backup_of(app))


def recorded(app):
    with app.app_context():
        return records.run_on(get_db("system.db"), instance_of(app).clock.today())


def test_a_due_run_backs_up_everything_and_counts_as_todays_backup(app, afternoon_member, clock):
    set_automatic(app, ON_AT_TWO)
    clock.set(utc(2026, 11, 27, 0, 30))  # 01:30 in Berlin: not yet
    assert run_if_due(app) == job.JobOutcome(False, message="not due")
    clock.set(utc(2026, 11, 27, 1, 0))  # 02:00
    assert run_if_due(app) == job.JobOutcome(True, message="done")
    assert recorded(app).outcome == "ok"
    assert not run_if_due(app).ran  # once a day
    clock.set(utc(2026, 11, 27, 13, 0))  # the afternoon: nobody is reminded
    assert afternoon_member(app).get("/").status_code == 200
    with app.app_context():
        done = reminder_store.done_day(get_db("system.db"), clock().date())
    assert done.completed_by == "scheduler"


def test_a_failed_run_is_shown_and_the_reminder_goes_on(app, afternoon_member, clock, monkeypatch):
    set_automatic(app, ON_AT_MIDNIGHT)
    monkeypatch.setattr(FileOps, "free_space", lambda self, path: 0)
    outcome = run_if_due(app)
    assert outcome.ran and not outcome.ok and "Not enough free disk space" in outcome.message
    assert recorded(app).outcome == "failed"
    assert not run_if_due(app).ran  # not repeated every minute
    clock.set(utc(2026, 11, 27, 7, 0))  # 08:00: the member's portlet says so
    member = afternoon_member(app)
    portlet = member.get("/").get_data(as_text=True)
    assert "automatic backup failed: Not enough free disk space" in portlet
    clock.set(utc(2026, 11, 27, 13, 0))
    response = member.get("/")
    assert response.headers["Location"].startswith("/backup/")  # reminded as usual
    page = member.get("/backup/").get_data(as_text=True)
    assert "automatic backup failed: Not enough free disk space" in page


def test_the_next_day_runs_again(app, clock):
    set_automatic(app, ON_AT_MIDNIGHT)
    assert run_if_due(app).ran
    clock.advance(days=1)
    assert run_if_due(app).ran


def test_one_process_at_a_time(app, instance_path):
    set_automatic(app, ON_AT_MIDNIGHT)
    lock = FileLock(str(instance_path / "backup" / ".automatic.lock"))
    with lock:
        outcome = run_if_due(app)
    assert outcome == job.JobOutcome(False, message="being run by another process")
    assert run_if_due(app).ran


def test_if_due_on_the_command_line(app, instance_path):
    runner = app.test_cli_runner()
    off = runner.invoke(args=["backup", "run", "--if-due"])
    assert off.exit_code == 0 and "Nothing to do: the automatic backup is not due." in off.output
    set_automatic(app, ON_AT_MIDNIGHT)
    done = runner.invoke(args=["backup", "run", "--if-due"])
    assert done.exit_code == 0 and "The automatic backup is done." in done.output
    assert (instance_path / "backup" / "todo.db").exists()
    again = runner.invoke(args=["backup", "run", "--if-due"])
    assert "not due" in again.output
    wrong = runner.invoke(args=["backup", "run", "--if-due", "todo.db"])
    assert wrong.exit_code == 2


def test_the_scheduler_never_starts_in_tests(app):
    assert startup.start_scheduler(app) is None
    assert startup.NIGHTLY not in app.extensions


def test_leadership_passes_on_when_the_leader_goes(tmp_path):
    first = runner.Leadership(tmp_path / "scheduler.lock")
    second = runner.Leadership(tmp_path / "scheduler.lock")
    assert first.try_take()
    assert not second.try_take()
    first.release()  # the process ended
    assert second.try_take()
    assert not first.try_take()


def test_automatic_backup_on_the_settings_page(app, people):
    admin = elevated(app, "admin")
    page = admin.get("/settings/schedule-backup").get_data(as_text=True)
    assert "Back up automatically every day" in page and 'value="00:00"' in page
    submit(
        admin,
        "/settings/schedule-backup",
        data={
            "action": "save",
            "members": "",
            "start": "12:00",
            "end": "18:00",
            "automatic": "y",
            "automatic_at": "01:30",
        },
    )
    with app.app_context():
        assert store.get_setting(get_db("system.db")) == store.AutomaticSetting(True, time(1, 30))
    data_page = admin.get("/settings/data-backup").get_data(as_text=True)
    assert "every day at 01:30" in data_page
