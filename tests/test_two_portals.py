"""Issue 14: two served portals on one instance (an IIS recycle that overlaps anyway, or
two sites on one instance), started seconds apart, while a member's backup, the
automatic backup, a command-line backup and a restore are asked for at once: one runs at
a time, each request gets a clear answer, no 5xx, no traceback in either log."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
from datetime import UTC, datetime
from datetime import time as clock_time

import pytest

from portal.data_backup import records
from portal.nightly import store as nightly_store
from portal.passwords import hash_password, set_password
from portal.reminder import store as reminder_store
from portal.users import add_user, ensure_admin
from portal.web import data_backup_of, get_db
from tests.helpers import csrf_token, open_app
from tests.http_client import Browser
from tests.serving import ROOT, faketime, serve, wait_for_automatic_run

PASSWORD, ADMIN_PASSWORD = "member password", "the admin password"
TODAY = "2026-11-28 14:00:00"  # the afternoon: the reminder sends members to Backup


def office(instance) -> None:
    yesterday = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC", "CLOCK": lambda: yesterday})
    with app.app_context():
        conn = get_db("system.db")
        alice = add_user(conn, "alice", "Alice Brown", "Sales", hash_password(PASSWORD), yesterday)
        set_password(conn, ensure_admin(conn, yesterday).id, hash_password(ADMIN_PASSWORD))
        reminder_store.add_members(conn, [alice.id], yesterday)
        reminder_store.save_settings(conn, reminder_store.ReminderSettings(True), yesterday)
        setting = nightly_store.AutomaticSetting(True, clock_time(0, 0))
        nightly_store.save_setting(conn, setting, yesterday)
        records.record_run(conn, yesterday.date(), yesterday, "ok")
        # Some weight, so that the runs take long enough to meet.
        bulletin = get_db("bulletin.db")
        bulletin.execute("CREATE TABLE IF NOT EXISTS ballast (b BLOB)")
        bulletin.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 8000)"
            " INSERT INTO ballast SELECT randomblob(4000) FROM n"
        )
        data_backup_of(app).run_backup(None, "setup")


class Client(Browser):
    """The tiny browser, keeping every status it got (an error page is an answer too)."""

    def __init__(self, base_url: str):
        super().__init__(base_url)
        self.statuses: list[int] = []
        self.url = ""  # where the last answer came from, after redirects

    def request(self, path: str, data: dict | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base_url + path, body, timeout=120) as response:
                self.statuses.append(response.status)
                self.url = response.geturl()
                return response.read().decode()
        except urllib.error.HTTPError as answer:
            self.statuses.append(answer.code)
            return answer.read().decode()

    def post(self, page: str, action: str, data: dict) -> str:
        token = csrf_token(self.request(page))
        return self.request(action, {"csrf_token": token, **data})

    def follow_job(self) -> dict:
        """Poll the progress of the job the last answer showed until it ends."""
        path = urllib.parse.urlparse(self.url).path
        assert "/run/" in path, self.url
        for _ in range(600):
            state = json.loads(self.request(f"{path}/progress"))
            if state["state"] != "running":
                return state
            time.sleep(0.1)
        raise AssertionError("the job never ended")


@pytest.mark.usefixtures("needs_faketime")
def test_two_portals_on_one_instance_answer_every_backup_request_one_at_a_time(tmp_path):
    instance = tmp_path / "office"
    office(instance)
    env = {"PORTAL_TIMEZONE": "UTC", "PORTAL_SCHEDULER_TICK_SECONDS": "1"}
    start = faketime(TODAY)
    answers: dict[str, object] = {}
    with serve(instance, env=env, prefix=start) as (url_a, log_a):
        time.sleep(2)  # seconds apart, as a recycle that overlaps
        with serve(instance, env=env, prefix=start) as (url_b, log_b):
            alice, admin, admin_too = Client(url_a), Client(url_b), Client(url_b)
            alice.request("/login")
            alice.post("/login", "/login", {"login": "alice", "password": PASSWORD})
            for client in (admin, admin_too):
                client.post("/login", "/login", {"login": "admin", "password": ADMIN_PASSWORD})

            def member_backup():
                # The portal page (or the Backup page, if the reminder sends her there
                # before the automatic backup has made the day done), then Backup.
                alice.request("/")
                alice.post("/backup/confirm", "/backup/confirm", {"next": "/"})
                answers["member"] = alice.follow_job()

            def admin_backup():
                admin.post("/settings/data-backup", "/settings/data-backup/backup", {"file": ""})
                answers["admin"] = admin.follow_job()

            def admin_restore():
                answers["restore"] = admin_too.post(
                    "/settings/data-backup/restore?file=todo.db&generation=0",
                    "/settings/data-backup/restore",
                    {"file": "todo.db", "generation": "0"},
                )

            def command_line():
                answers["cli"] = subprocess.run(
                    [sys.executable, "-m", "flask", "--app", "portal", "backup", "run"],
                    cwd=ROOT,
                    env={**os.environ, "PORTAL_INSTANCE_PATH": str(instance), **env},
                    capture_output=True,
                    text=True,
                    timeout=120,
                )

            failures: list[BaseException] = []

            def thread(task):
                def run():
                    try:
                        task()
                    except BaseException as exc:  # noqa: BLE001 - reported below
                        failures.append(exc)

                return threading.Thread(target=run)

            tasks = (member_backup, admin_backup, admin_restore, command_line)
            workers = [thread(task) for task in tasks]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join(timeout=180)
            # Due too: the schedulers run it.
            wait_for_automatic_run(instance, "2026-11-28", logs=lambda: log_a() + log_b())
            time.sleep(2)  # more ticks: a second automatic run would start now
            logs = log_a() + log_b()
    assert not failures, failures
    statuses = alice.statuses + admin.statuses + admin_too.statuses
    assert statuses and max(statuses) < 500, statuses
    assert "Traceback" not in logs, logs[-3000:]
    # Clear answers: a backup ran, or it says another one was running.
    for who in ("member", "admin"):
        state = answers[who]
        assert state["state"] == "done" or (
            state["state"] == "busy" and "A backup is already running" in state["message"]
        ), state
    restore = answers["restore"]
    assert "Restored todo.db" in restore or "A backup is already running" in restore, restore[:2000]
    cli = answers["cli"]
    assert cli.returncode == 0, cli.stdout + cli.stderr  # it waits its turn
    assert "Traceback" not in cli.stderr
    conn = sqlite3.connect(instance / "data" / "system.db")
    runs = conn.execute("SELECT day, outcome FROM automatic_backups ORDER BY day").fetchall()
    conn.close()
    assert runs == [("2026-11-27", "ok"), ("2026-11-28", "ok")]  # once, by one process
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC"})
    with app.app_context():
        assert data_backup_of(app).engine().verify().ok
