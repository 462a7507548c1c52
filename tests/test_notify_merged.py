"""Issue 20, item 14: the hourly limit merges notices, never drops one. A failure that
comes within the hour of the last notice of its kind is held and told in the next
mail ("and 1 more since 10:00"); when no later failure comes, the backup watch (every
scheduler tick, every process start) sends the held ones once the hour is over."""

from __future__ import annotations

import random
import shutil
from datetime import timedelta

import pytest

from portal.backup import BackupError
from portal.nightly import watch
from portal.web import data_backup_of, instance_of
from tests.helpers import utc
from tests.notify_helpers import smtp_server


@pytest.fixture
def inbox(app):
    with smtp_server() as (inbox, port):
        app.config.update(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=port, NOTIFY_EMAILS="it@office.example"
        )
        yield inbox


def _fail(app, instance_path, who):
    backup = instance_path / "backup"
    if backup.is_dir():
        shutil.rmtree(backup)
    backup.write_text("a file where the backup folder should be")
    with app.app_context(), pytest.raises(BackupError):
        data_backup_of(app).run_backup(["todo.db"], who)


def test_failures_at_10_00_10_10_and_11_15_are_all_told_in_two_mails(
    app, inbox, instance_path, clock
):
    clock.set(utc(2026, 11, 27, 9, 0))  # 10:00 in Berlin
    _fail(app, instance_path, "alice")
    clock.set(utc(2026, 11, 27, 9, 10))
    _fail(app, instance_path, "bob")
    assert len(inbox.messages) == 1  # within the hour: held, not sent
    clock.set(utc(2026, 11, 27, 10, 15))
    _fail(app, instance_path, "carol")
    assert inbox.subjects() == ["[Office Portal] A backup failed"] * 2
    body = inbox.body()
    assert "started by carol at 27 Nov 2026 11:15" in body
    assert "And 1 more since the last notice at 27 Nov 2026 10:00:" in body
    assert "started by bob at 27 Nov 2026 10:10" in body
    assert "started by alice" not in body  # told in the first mail


def test_a_held_failure_is_sent_by_the_watch_once_the_hour_is_over(
    app, inbox, instance_path, clock
):
    clock.set(utc(2026, 11, 27, 9, 0))
    _fail(app, instance_path, "alice")
    clock.set(utc(2026, 11, 27, 9, 10))
    _fail(app, instance_path, "bob")
    clock.set(utc(2026, 11, 27, 9, 50))
    watch.check(instance_of(app))  # a scheduler tick within the hour: still held
    assert len(inbox.messages) == 1
    clock.set(utc(2026, 11, 27, 10, 0))
    watch.check(instance_of(app))
    assert len(inbox.messages) == 2
    subject = inbox.messages[1]["Subject"]
    assert subject == "[Office Portal] A backup failed (1 since 27 Nov 2026 10:00)"
    assert "started by bob at 27 Nov 2026 10:10" in inbox.body()
    watch.check(instance_of(app))
    assert len(inbox.messages) == 2  # told once


def test_the_rule_every_failure_is_told_once_and_mails_are_an_hour_apart(
    app, inbox, instance_path, clock
):
    """Random failure times and watch ticks over two days: every failure appears in
    exactly one mail, and two mails of the kind are never less than an hour apart."""
    chance = random.Random(20)
    moment = utc(2026, 11, 27, 6, 0)
    failures = []
    sent_at = []
    for step in range(60):
        moment += timedelta(minutes=chance.choice([1, 5, 10, 25, 40, 61, 130]))
        clock.set(moment)
        before = len(inbox.messages)
        if chance.random() < 0.7:
            who = f"person{step}"
            failures.append(who)
            _fail(app, instance_path, who)
        else:
            watch.check(instance_of(app))
        sent_at += [moment] * (len(inbox.messages) - before)
    clock.set(moment + timedelta(hours=2))
    before = len(inbox.messages)
    watch.check(instance_of(app))
    sent_at += [moment + timedelta(hours=2)] * (len(inbox.messages) - before)
    bodies = [m.get_payload(decode=True).decode() for m in inbox.messages]
    for who in failures:
        told = sum(f"started by {who} at" in body for body in bodies)
        assert told == 1, who
    assert all(b - a >= timedelta(hours=1) for a, b in zip(sent_at, sent_at[1:], strict=False))
