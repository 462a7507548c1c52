"""The serving threads share one core (portal/cores.py, issue 15): each thread pins
itself at its first request, and a backup started from one goes back to every core."""

from __future__ import annotations

import os
import threading

import pytest

from portal import cores
from portal.web import backup_jobs_of, data_backup_of
from tests.helpers import open_app

pytestmark = pytest.mark.skipif(not cores.can_pin(), reason="Linux with 2 cores or more")


def in_thread(function):
    """Run function in a new thread (pinning changes only the thread that asks)."""
    found = {}

    def run():
        found["value"] = function()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return found["value"]


# The serving threads on one core: opt-in (SERVE_ON_ONE_CORE, off by default).
PINNED = {"TIMEZONE": "UTC", "SERVE_ON_ONE_CORE": True}


@pytest.fixture
def every_core():
    before = os.sched_getaffinity(0)
    yield before
    os.sched_setaffinity(0, before)  # serve_on_one_core pins the thread that calls it
    cores._every_core = None


def test_a_serving_thread_pins_itself_and_a_backup_job_does_not(instance_path, every_core):
    app = open_app(PINNED | {"INSTANCE_PATH": str(instance_path)})
    in_thread(lambda: cores.serve_on_one_core(app))
    one = {min(every_core)}

    def serve_a_request():
        assert app.test_client().get("/login").status_code == 200
        served = os.sched_getaffinity(0)
        # A thread started from it, as the Backup button starts a job.
        job = in_thread(lambda: (cores.every_core(), os.sched_getaffinity(0))[1])
        return served, job

    served, job = in_thread(serve_a_request)
    assert served == one
    assert job == every_core
    assert os.sched_getaffinity(0) == every_core  # the test's own thread never served


def _cores_of_a_backup_job(app, monkeypatch) -> tuple[set[int], set[int]]:
    """Backup pressed in a serving thread (its first request pins it): the cores of
    that thread, and of the job's thread it started (the run itself stood in for)."""
    seen, ran = {}, threading.Event()

    def run_backup(*args, **kwargs):
        seen["cores"] = os.sched_getaffinity(0)
        ran.set()

    monkeypatch.setattr(data_backup_of(app), "run_backup", run_backup)

    def press_backup():
        app.test_client().get("/login")  # this thread now serves, on one core
        backup_jobs_of(app).start("alice", None, "/", {"todo.db": 1})
        return os.sched_getaffinity(0)

    served = in_thread(press_backup)
    assert ran.wait(10)
    return served, seen["cores"]


def test_without_the_hook_a_job_keeps_its_starting_threads_cores(
    instance_path, every_core, monkeypatch
):
    """The service does nothing about cores by itself (issue 22: no service imports
    cores.py): a job started from a pinned thread stays pinned unless the entry point
    set the hook."""
    app = open_app(PINNED | {"INSTANCE_PATH": str(instance_path)})
    in_thread(lambda: cores.serve_on_one_core(app))
    _served, job = _cores_of_a_backup_job(app, monkeypatch)
    assert job == {min(every_core)}


def test_by_default_nothing_is_pinned(instance_path, every_core):
    """Opt-in (issue 22, item 6): the gain was measured on one machine shape only (a
    2-core VM, docs/performance.md); a site switches it on with SERVE_ON_ONE_CORE."""
    app = open_app({"INSTANCE_PATH": str(instance_path), "TIMEZONE": "UTC"})
    in_thread(lambda: cores.serve_on_one_core(app))

    def serve_a_request():
        app.test_client().get("/login")
        return os.sched_getaffinity(0)

    assert in_thread(serve_a_request) == every_core


def test_a_backup_job_started_while_serving_runs_on_every_core(
    instance_path, every_core, monkeypatch
):
    app = open_app(PINNED | {"INSTANCE_PATH": str(instance_path)})
    in_thread(lambda: cores.serve_on_one_core(app))
    # As `python -m portal` does: the service knows only a hook run first in each job.
    backup_jobs_of(app).thread_start = cores.every_core
    served, job = _cores_of_a_backup_job(app, monkeypatch)
    assert served == {min(every_core)}
    assert job == every_core
