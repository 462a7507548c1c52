"""Issue 20, item 19: a share that stops answering hangs nothing. Every step on the share
has a time limit (OFFSITE_ANSWER_SECONDS); past it the off-site send is abandoned (the
local backup is complete), the backup lock released so other backups do not wait, and the
copy tried again later; the Data Backup page, `backup offsite list` and `verify` say "the
share does not answer" instead of hanging. Here a share step blocks until the test ends,
as a call into a silent network file system does; tests/test_offsite_real_shares.py does
the same with a real sshfs mount whose server is stopped."""

from __future__ import annotations

import threading
import time

import pytest

from portal.data_backup import offsite
from portal.offsite.confined import Confined
from portal.offsite.shareops import ShareOps
from portal.web import data_backup_of, get_db, instance_of
from tests.offsite_helpers import use_share
from tests.settings_helpers import elevated

LIMIT = 0.5


@pytest.fixture
def silent(app, tmp_path, monkeypatch):
    """A share that answers until `silence.set()`, then blocks every step on it."""
    share = use_share(app, tmp_path / "nas")
    app.config["OFFSITE_ANSWER_SECONDS"] = LIMIT
    silence, end = threading.Event(), threading.Event()
    entries, copy = Confined.entries, ShareOps.raw_copy

    def stall():
        if silence.is_set():
            end.wait(30)  # as long as the test runs: the server never answers

    def stalling_entries(self, folder):
        stall()
        return entries(self, folder)

    def stalling_copy(self, source, target, seal=None):
        stall()
        return copy(self, source, target, seal)

    monkeypatch.setattr(Confined, "entries", stalling_entries)
    monkeypatch.setattr(ShareOps, "raw_copy", stalling_copy)
    yield share, silence
    end.set()


def test_a_silent_share_abandons_the_send_and_releases_the_lock(app, silent, clock):
    share, silence = silent
    silence.set()
    started = time.monotonic()
    with app.app_context():
        result = data_backup_of(app).run_backup(None, "alice")
    assert time.monotonic() - started < 10  # not the test's 30 s, nor the lock's 120 s
    assert len(result.files) == 4  # the local backup is complete
    note = " ".join(result.notes)
    assert "The share does not answer" in note
    assert f"no answer for {LIMIT:g} seconds" in note
    with app.app_context():
        state = offsite.status(get_db("system.db"), instance_of(app))
    assert state.failing and "The share does not answer" in state.last_error
    # The lock was released: a second backup runs at once instead of waiting behind it.
    clock.advance(minutes=5)
    started = time.monotonic()
    with app.app_context():
        again = data_backup_of(app).run_backup(["todo.db"], "bob")
    assert again.files and time.monotonic() - started < 10


def test_the_page_list_and_verify_say_the_share_does_not_answer(app, people, silent):
    _share, silence = silent
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    silence.set()
    client = elevated(app, "admin")
    started = time.monotonic()
    page = client.get("/settings/data-backup").get_data(as_text=True)
    assert "The share does not answer" in page
    assert "No off-site copies yet" not in page  # a silent share is not an empty one
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["backup", "offsite", "list"])
    assert listed.exit_code == 1 and "Error: The share does not answer" in listed.output
    verified = runner.invoke(args=["backup", "offsite", "verify"])
    assert verified.exit_code == 1 and "The share does not answer" in verified.output
    assert "PROBLEM" not in verified.output  # nothing was found damaged: nothing was read
    assert time.monotonic() - started < 20


def test_the_hourly_try_sends_once_the_share_answers_again(app, silent, clock):
    share, silence = silent
    silence.set()
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    assert not (share / "2026-11-27").exists()
    silence.clear()
    clock.advance(hours=1)
    with app.app_context():
        outcome = offsite.retry_if_behind(data_backup_of(app).engine(), instance_of(app))
    assert outcome.ok, outcome.message
    assert (share / "2026-11-27" / "manifest.age").is_file()


def test_without_fork_as_on_windows_a_thread_waits_with_the_same_limit(
    app, people, silent, monkeypatch
):
    """Windows has no fork: the work on the share runs in a thread that is given up on
    (and stops at its next step if the share answers again)."""
    _share, silence = silent
    monkeypatch.delattr("os.fork")
    with app.app_context():
        first = data_backup_of(app).run_backup(None, "alice")
    assert "Off-site copy of" in " ".join(first.notes)
    silence.set()
    started = time.monotonic()
    page = elevated(app, "admin").get("/settings/data-backup").get_data(as_text=True)
    assert "The share does not answer" in page
    listed = app.test_cli_runner().invoke(args=["backup", "offsite", "list"])
    assert listed.exit_code == 1 and "The share does not answer" in listed.output
    assert time.monotonic() - started < 20
