"""Issue 13: notices by mail, against a real SMTP server on the loopback address. Each
kind is received once per event, with its facts, and never more than once an hour; a
dead SMTP server never fails a backup; the rule holds across processes (system.db)."""

from __future__ import annotations

from datetime import date, time

import pytest

from portal.backup import BackupError
from portal.data_backup import offsite
from portal.nightly import store as nightly_store
from portal.nightly import watch
from portal.notify import notices
from portal.reminder import store as reminder_store
from portal.web import data_backup_of, get_db, instance_of
from tests.helpers import open_app, utc
from tests.notify_helpers import free_port, smtp_server, webhook_receiver
from tests.offsite_helpers import use_share


@pytest.fixture
def inbox(app):
    with smtp_server() as (inbox, port):
        app.config.update(
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=port,
            MAIL_DEFAULT_SENDER="portal@office.example",
            NOTIFY_EMAILS="it@office.example, boss@office.example",
        )
        yield inbox


def _break_the_backup_folder(app, instance_path):
    backup = instance_path / "backup"
    if backup.exists():
        import shutil

        shutil.rmtree(backup)
    backup.write_text("a file where the backup folder should be")


def test_a_failed_backup_sends_one_mail_with_the_facts_and_at_most_one_an_hour(
    app, inbox, instance_path, clock
):
    _break_the_backup_folder(app, instance_path)
    with app.app_context(), pytest.raises(BackupError):
        data_backup_of(app).run_backup(["todo.db"], "alice")
    assert inbox.subjects() == ["[Office Portal] A backup failed"]
    mail = inbox.messages[0]
    assert mail["To"] == "it@office.example, boss@office.example"
    assert mail["From"] == "portal@office.example"
    body = inbox.body()
    assert "The backup of todo.db, started by alice at 27 Nov 2026 09:00, failed." in body
    assert "is not a folder" in body  # why
    assert "every copy made before this run is intact" in body  # what is still safe
    clock.advance(minutes=30)
    with app.app_context(), pytest.raises(BackupError):
        data_backup_of(app).run_backup(None, "bob")
    assert len(inbox.messages) == 1  # a second failure within the hour: no second mail
    clock.advance(minutes=31)
    with app.app_context(), pytest.raises(BackupError):
        data_backup_of(app).run_backup(None, "bob")
    assert len(inbox.messages) == 2


def test_a_dead_smtp_server_never_fails_a_backup_and_the_page_data_says_why(app, instance_path):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), NOTIFY_EMAILS="it@x.example")
    with app.app_context():
        result = data_backup_of(app).run_backup(None, "alice")  # nothing to tell
        assert len(result.files) == 4
    _break_the_backup_folder(app, instance_path)
    with app.app_context():
        with pytest.raises(BackupError, match="is not a folder"):  # its own error, not SMTP's
            data_backup_of(app).run_backup(None, "alice")
        error = notices.last_error(get_db("system.db"))
    assert error["kind"] == "backup-failed"
    assert "mail to it@x.example via 127.0.0.1" in error["message"]


def test_the_automatic_backup_missed_is_told_by_the_next_process_once(app, inbox, clock):
    with app.app_context():
        conn = get_db("system.db")
        since = utc(2026, 11, 20, 8, 0)
        nightly_store.save_setting(conn, nightly_store.AutomaticSetting(True, time(0, 0)), since)
    clock.set(utc(2026, 11, 27, 0, 30))  # 01:30 in Berlin: no portal ran it at 00:00
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "list"]).exit_code == 0  # any command checks
    assert inbox.subjects() == ["[Office Portal] The automatic backup did not run"]
    assert "The automatic backup of 2026-11-26 (set for 00:00) had not run" in inbox.body()
    runner.invoke(args=["backup", "list"])
    assert len(inbox.messages) == 1  # today's miss waits: one notice of a kind an hour
    clock.advance(hours=1)
    with app.app_context():
        assert watch.check(instance_of(app)) == ["automatic-missed"]
        assert "The automatic backup of 2026-11-27" in inbox.body()
        clock.advance(hours=3)
        assert watch.check(instance_of(app)) == []  # each day's event only once
    assert len(inbox.messages) == 2


def test_the_missed_check_ignores_days_before_the_automatic_backup_was_on(app, inbox, clock):
    with app.app_context():
        conn = get_db("system.db")
        turned_on = utc(2026, 11, 26, 22, 0)
        nightly_store.save_setting(
            conn, nightly_store.AutomaticSetting(True, time(0, 0)), turned_on
        )
    clock.set(utc(2026, 11, 27, 0, 30))
    with app.app_context():
        assert watch.check(instance_of(app)) == ["automatic-missed"]
    assert "2026-11-27" in inbox.body() and len(inbox.messages) == 1


def test_no_backup_by_the_end_of_the_window_on_a_working_day(app, inbox, clock):
    with app.app_context():
        conn = get_db("system.db")
        reminder_store.save_settings(conn, reminder_store.ReminderSettings(True), clock())
    clock.set(utc(2026, 11, 27, 16, 59))  # Friday 17:59 in Berlin
    with app.app_context():
        assert watch.check(instance_of(app)) == []
    clock.set(utc(2026, 11, 27, 17, 0))  # 18:00: the window has ended
    with app.app_context():
        assert watch.check(instance_of(app)) == ["no-backup-today"]
    assert "No backup was completed on Friday 2026-11-27" in inbox.body()
    clock.set(utc(2026, 11, 28, 17, 30))  # Saturday: not a working day
    with app.app_context():
        assert watch.check(instance_of(app)) == []


def test_a_day_with_a_backup_sends_nothing(app, inbox, clock):
    with app.app_context():
        settings = reminder_store.ReminderSettings(True)
        reminder_store.save_settings(get_db("system.db"), settings, clock())
        data_backup_of(app).run_backup(None, "alice")
    clock.set(utc(2026, 11, 27, 17, 30))
    with app.app_context():
        assert watch.check(instance_of(app)) == []
    assert inbox.messages == []


def test_the_off_site_copy_failing_for_24_hours_sends_one_mail(app, inbox, tmp_path, clock):
    app.config["OFFSITE_DIR"] = str(tmp_path / "nas-away")
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
        clock.advance(hours=23)
        offsite.retry_if_behind(data_backup_of(app).engine(), instance_of(app))
    assert inbox.messages == []
    clock.advance(hours=1, minutes=1)
    with app.app_context():
        offsite.retry_if_behind(data_backup_of(app).engine(), instance_of(app))
        clock.advance(hours=2)
        offsite.retry_if_behind(data_backup_of(app).engine(), instance_of(app))
    assert inbox.subjects() == ["[Office Portal] The off-site copy has failed for 24 hours"]
    assert "does not exist or cannot be reached" in inbox.body()


def test_verify_finding_a_damaged_copy_sends_a_mail(app, inbox, instance_path):
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    copy = instance_path / "backup" / "todo.db"
    data = bytearray(copy.read_bytes())
    data[-100] ^= 0xFF
    copy.write_bytes(bytes(data))
    with app.app_context():
        report = data_backup_of(app).verify("admin")
    assert not report.ok
    assert inbox.subjects() == ["[Office Portal] Verify found a damaged copy"]
    assert "todo.db" in inbox.body()


def test_the_once_rule_holds_across_processes(app, inbox, instance_path, clock):
    other = open_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance_path),
            "CLOCK": clock,
            "TIMEZONE": "Europe/Berlin",
            **{k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "NOTIFY_EMAILS")},
        }
    )
    for portal in (app, other, app, other):
        assert notices.notify(instance_of(portal), "damaged-copy", "verify X", "details") in (
            "sent",
            "already sent",
        )
    assert len(inbox.messages) == 1


def test_the_webhook_gets_a_small_json_post(app, clock):
    with webhook_receiver() as (received, url):
        app.config["NOTIFY_WEBHOOK_URL"] = url
        assert (
            notices.notify(instance_of(app), "damaged-copy", "verify Y", "the details", {"n": 1})
            == "sent"
        )
    assert received == [
        {
            "kind": "damaged-copy",
            "subject": "[Office Portal] Verify found a damaged copy",
            "text": "the details",
            "event": "verify Y",
            "n": 1,
        }
    ]


def test_notify_test_sends_a_mail_or_says_why_not(app, inbox):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["notify", "test"])
    assert result.exit_code == 0, result.output
    assert "The test notice was sent: mail to it@office.example, boss@office.example" in (
        result.output
    )
    assert inbox.subjects() == ["[Office Portal] Test notice"]
    app.config["MAIL_PORT"] = free_port()
    failed = runner.invoke(args=["notify", "test"])
    assert failed.exit_code == 1 and "The test notice was not sent: mail to" in failed.output


def _automatic_missed_since_last_week(app, clock):
    with app.app_context():
        conn = get_db("system.db")
        setting = nightly_store.AutomaticSetting(True, time(0, 0))
        nightly_store.save_setting(conn, setting, utc(2026, 11, 20, 8, 0))
        # Yesterday's ran; today's (00:00) has not, and it is 01:30.
        from portal.data_backup import records

        records.record_run(conn, date(2026, 11, 26), utc(2026, 11, 25, 23, 0), "ok")
    clock.set(utc(2026, 11, 27, 0, 30))


def _wait_for(condition, seconds: float = 10) -> None:
    import time as clock_time

    deadline = clock_time.monotonic() + seconds
    while not condition() and clock_time.monotonic() < deadline:
        clock_time.sleep(0.05)


def test_a_serving_process_without_the_scheduler_checks_once_at_start(app, inbox, clock):
    from portal import startup

    _automatic_missed_since_last_week(app, clock)
    app.config["SCHEDULER_ENABLED"] = False
    app.testing = False  # as served
    assert startup.start_scheduler(app) is None
    _wait_for(lambda: inbox.messages)
    assert inbox.subjects() == ["[Office Portal] The automatic backup did not run"]
    assert "The automatic backup of 2026-11-27" in inbox.body()


def test_the_scheduler_of_a_living_process_sends_the_missed_notice(app, inbox, clock):
    from portal import startup

    _automatic_missed_since_last_week(app, clock)
    app.config.update(SCHEDULER_TICK_SECONDS=1)
    app.testing = False  # as served
    # Its first tick both catches up today's backup and checks: a backup made at 01:30
    # still did not run by 01:00, so the notice goes out whichever job comes first.
    nightly = startup.start_scheduler(app)
    try:
        _wait_for(lambda: inbox.messages)
    finally:
        nightly.scheduler.shutdown(wait=True)
        nightly.leadership.release()
    assert "[Office Portal] The automatic backup did not run" in inbox.subjects()


def _a_changed_off_site_copy(app, tmp_path, name: str):
    """A backup sent off site, then its copy of `name` changed on the share."""
    share = use_share(app, tmp_path / "nas")
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    (share / "2026-11-27" / f"{name}.age").write_bytes(b"changed on the share")
    return share


def test_offsite_verify_finding_a_changed_copy_sends_a_mail(app, inbox, tmp_path):
    _a_changed_off_site_copy(app, tmp_path, "bulletin.db")
    result = app.test_cli_runner().invoke(args=["backup", "offsite", "verify"])
    assert result.exit_code == 1
    assert inbox.subjects() == ["[Office Portal] Verify found a damaged copy"]
    assert "2026-11-27 bulletin.db: forged or altered" in inbox.body()


def test_two_processes_seeing_the_same_damage_at_once_send_one_mail(app, inbox, tmp_path):
    """Two operators' commands at the same moment: the claim in system.db lets one send."""
    import os
    import subprocess
    import sys

    from tests.serving import ROOT

    share = _a_changed_off_site_copy(app, tmp_path, "todo.db")
    env = {
        **os.environ,
        "PORTAL_INSTANCE_PATH": app.instance_path,
        "PORTAL_OFFSITE_DIR": str(share),
        "PORTAL_MAIL_SERVER": "127.0.0.1",
        "PORTAL_MAIL_PORT": str(app.config["MAIL_PORT"]),
        "PORTAL_NOTIFY_EMAILS": "it@office.example",
    }
    command = [sys.executable, "-m", "flask", "--app", "portal", "backup", "offsite", "verify"]
    procs = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60)[0] for p in procs]
    assert [p.returncode for p in procs] == [1, 1], outputs
    assert inbox.subjects() == ["[Office Portal] Verify found a damaged copy"]


def test_a_missed_automatic_backup_shows_on_data_backup_and_the_admins_portal_page(
    app, people, clock
):
    """Issue 14: noticed on the pages too, with or without mail."""
    import html

    from tests.helpers import ADMIN_PASSWORD, PASSWORD, login

    _automatic_missed_since_last_week(app, clock)
    admin = app.test_client()
    login(admin, "admin", ADMIN_PASSWORD)
    sentence = (
        "The automatic backup of 2026-11-27 (set for 00:00) had not run by 27 Nov 2026 01:00."
    )
    assert sentence in html.unescape(admin.get("/").get_data(as_text=True))
    assert sentence in html.unescape(admin.get("/settings/data-backup").get_data(as_text=True))
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    assert "automatic backup of" not in alice.get("/").get_data(as_text=True)
    clock.set(utc(2026, 11, 26, 23, 59))  # 00:59: not yet an hour late
    assert "automatic backup of 2026-11-27" not in admin.get("/").get_data(as_text=True)


def test_a_notice_whose_outcome_cannot_be_recorded_is_sent_and_logged(
    app, inbox, monkeypatch, caplog
):
    """The notice's outcome (its audit entry) is written in a unit of work, as a Data
    Backup run's are (portal/unit_of_work.py): a system.db that fails to take it costs the
    record, which the log names, never the mail."""
    import sqlite3

    from portal import audit

    def full_disk(*args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(audit, "record", full_disk)
    instance = instance_of(app)
    assert notices.notify(instance, "damaged-copy", "verify Z", "the details") == "sent"
    assert len(inbox.messages) == 1
    assert "audit entry 'notice sent'" in caplog.text
    assert "database or disk is full" in caplog.text


def test_a_failed_test_mail_is_no_alarm_and_a_sent_notice_ends_the_alarm(
    app, people, instance_path, clock
):
    """Issue 24, item 9: a failed test email stayed a red alarm on the Data Backup page for
    days, after later tests succeeded. A test's result belongs where it was sent; a real
    notice that failed stays until a real one is sent."""
    from tests.settings_helpers import elevated

    admin = elevated(app, "admin")
    alarm = "A notice could not be sent"
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), NOTIFY_EMAILS="it@x.example")
    with app.app_context():
        assert notices.send_test(instance_of(app))  # refused: the server is dead
    assert alarm not in admin.get("/settings/data-backup").get_data(as_text=True)
    _break_the_backup_folder(app, instance_path)
    with app.app_context(), pytest.raises(BackupError):
        data_backup_of(app).run_backup(None, "alice")  # a real notice, not sent
    assert alarm in admin.get("/settings/data-backup").get_data(as_text=True)
    with smtp_server() as (inbox, port):
        app.config["MAIL_PORT"] = port
        with app.app_context():
            assert notices.send_test(instance_of(app)) == []  # a test: the alarm stays
        assert alarm in admin.get("/settings/data-backup").get_data(as_text=True)
        clock.advance(hours=2)
        with app.app_context(), pytest.raises(BackupError):
            data_backup_of(app).run_backup(None, "alice")  # a real notice, sent
        assert any("failed" in s.lower() for s in inbox.subjects())
    assert alarm not in admin.get("/settings/data-backup").get_data(as_text=True)
