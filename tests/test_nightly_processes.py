"""Exactly one automatic backup across a midnight:

- two portal processes (python -m portal) on one instance, started by libfaketime just
  after midnight (as an IIS recycle or a reboot would), alone and with the operating
  system's scheduler calling `backup run --if-due` at the same moment;
- two portals' schedulers ticking across the midnight itself, on the injected clock
  (libfaketime does not drive APScheduler's timed waits, so this one runs in process)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED

from portal import startup
from portal.data_backup import records
from portal.nightly import runner, store
from portal.web import get_db
from tests.helpers import open_app
from tests.serving import ROOT, faketime, serve, wait_for_automatic_run

TICKED = EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
BACKUP_JOB = runner.JOBS[0][0]  # "automatic-backup"

EVENING = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)


def office(instance, clock=lambda: EVENING, **config):
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC", "CLOCK": clock, **config})
    with app.app_context():
        conn = get_db("system.db")
        store.save_setting(conn, store.AutomaticSetting(True, datetime.min.time()))
        records.record_run(conn, EVENING.date(), EVENING, "ok")  # the 27th's already ran
    return app


def automatic_runs(instance):
    conn = sqlite3.connect(instance / "data" / "system.db")
    runs = conn.execute("SELECT day, outcome FROM automatic_backups ORDER BY day").fetchall()
    started = conn.execute(
        "SELECT actor FROM audit_log WHERE action = 'backup started' AND at >= '2026-11-28'"
    ).fetchall()
    conn.close()
    return runs, [actor for (actor,) in started]


@pytest.mark.usefixtures("needs_faketime")
@pytest.mark.parametrize("with_cron", [False, True], ids=["two-portals", "two-portals-and-cron"])
def test_processes_starting_after_midnight_back_up_once(tmp_path, with_cron):
    instance = tmp_path / "office"
    office(instance)
    env = {"PORTAL_TIMEZONE": "UTC"}
    start = faketime("2026-11-28 00:00:01")
    cron = None
    with serve(instance, env=env, prefix=start), serve(instance, env=env, prefix=start):
        if with_cron:
            cron = subprocess.run(
                [
                    *start,
                    sys.executable,
                    "-m",
                    "flask",
                    "--app",
                    "portal",
                    "backup",
                    "run",
                    "--if-due",
                ],
                cwd=ROOT,
                env={**os.environ, "PORTAL_INSTANCE_PATH": str(instance), **env},
                capture_output=True,
                text=True,
                timeout=60,
            )
        wait_for_automatic_run(instance, "2026-11-28")
        time.sleep(3)  # both portals have ticked again: a second run would start now
    assert cron is None or cron.returncode == 0, cron.stderr
    runs, started = automatic_runs(instance)
    assert runs == [("2026-11-27", "ok"), ("2026-11-28", "ok")]
    assert len(started) == 1, started


def _count_ticks(scheduler) -> Counter:
    """How often each of the scheduler's jobs has ticked from now on."""
    ticks: Counter = Counter()
    scheduler.add_listener(lambda event: ticks.update([event.job_id]), TICKED)
    return ticks


def _wait_for_more_ticks(ticks: list[Counter], more: int, seconds: float = 60) -> None:
    now = [count[BACKUP_JOB] for count in ticks]
    deadline = time.monotonic() + seconds
    while any(count[BACKUP_JOB] < seen + more for count, seen in zip(ticks, now, strict=True)):
        assert time.monotonic() < deadline, f"the schedulers ticked {ticks}"
        time.sleep(0.05)


class RunningClock:
    """The injected clock, running at real speed from a given moment."""

    def __init__(self, start: datetime):
        self.start, self.began = start, time.monotonic()

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began)


def test_two_schedulers_ticking_across_midnight_back_up_once(tmp_path):
    instance = tmp_path / "office"
    clock = RunningClock(datetime(2026, 11, 27, 23, 59, 57, tzinfo=UTC))
    portals = [
        office(instance, clock, SCHEDULER_TICK_SECONDS=1),
        open_app(
            {
                "INSTANCE_PATH": str(instance),
                "TIMEZONE": "UTC",
                "CLOCK": clock,
                "SCHEDULER_TICK_SECONDS": 1,
            }
        ),
    ]
    for app in portals:
        app.testing = False  # as served: the scheduler only starts outside tests
    started = [startup.start_scheduler(app) for app in portals]
    try:
        assert all(started)
        ticks = [_count_ticks(nightly.scheduler) for nightly in started]
        wait_for_automatic_run(instance, "2026-11-28")
        # Several more ticks of each (a second run would start at one of them): waited
        # for as they happen, not for a fixed time that a busy machine may not give.
        _wait_for_more_ticks(ticks, 3)
    finally:
        for nightly in started:
            if nightly:
                nightly.scheduler.shutdown(wait=True)
                nightly.leadership.release()
    runs, actors = automatic_runs(instance)
    assert runs == [("2026-11-27", "ok"), ("2026-11-28", "ok")]
    assert actors == ["scheduler"]
    leaders = [nightly.leadership for nightly in started]
    assert not any(leader.held for leader in leaders)
