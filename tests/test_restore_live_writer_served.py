"""Issue 20, item 1, from outside: a served portal (waitress, a real process) where a
member saves a to-do over HTTP as fast as the portal answers, while the administrator
restores todo.db again and again with the operator's command in another process. Every
save the portal answered as saved ("Added ...") is afterwards in the live todo.db or in
one of the safety copies the restores kept: none is in neither."""

from __future__ import annotations

import threading
import urllib.error
from datetime import UTC, datetime
from pathlib import Path

import pytest

from portal.db import close_kept_connections
from portal.passwords import hash_password
from portal.users import add_user
from portal.web import data_backup_of, get_db
from tests.helpers import open_app, todo_titles
from tests.http_client import Browser
from tests.serving import run_flask, serve

pytestmark = pytest.mark.slow

ENV = {"PORTAL_TIMEZONE": "UTC"}
PASSWORD = "member password 20"
RESTORES = 6


def _office(instance: Path) -> None:
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC"})
    with app.app_context():
        add_user(
            get_db("system.db"),
            "alice",
            "Alice Brown",
            "Sales",
            hash_password(PASSWORD),
            datetime.now(UTC),
        )
        data_backup_of(app).run_backup(None, "setup")
    close_kept_connections()


class Writer(threading.Thread):
    """Saves a to-do after another; keeps the titles the portal said it added."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.browser = Browser(url)
        self.browser.log_in("alice", PASSWORD)
        self.acknowledged: list[str] = []
        self.refused = 0
        self.stop = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            title = f"save {number}"
            try:
                page = self.browser.submit("/todo/", {"title": title})
            except (urllib.error.URLError, OSError):
                self.refused += 1  # not answered as saved (a 503 while a file is switched)
                continue
            if f"Added “{title}”" in page:
                self.acknowledged.append(title)


def test_every_save_answered_over_http_survives_restores_by_the_command(tmp_path):
    instance = tmp_path / "office"
    _office(instance)
    with serve(instance, env=ENV) as (url, _output):
        writer = Writer(url)
        writer.start()
        try:
            for _ in range(RESTORES):
                done = run_flask(
                    instance,
                    "backup",
                    "restore",
                    "todo.db",
                    "--generation",
                    "0",
                    "--yes",
                    env=ENV,
                )
                assert done.returncode == 0, done.stdout + done.stderr
        finally:
            writer.stop.set()
            writer.join(timeout=60)
    assert len(writer.acknowledged) > 20, "the writer hardly saved: the test proves nothing"
    safety = sorted((instance / "backup" / "pre-restore").glob("todo-*.db"))
    assert len(safety) == RESTORES
    kept = todo_titles(instance / "data" / "todo.db")
    for copy in safety:
        kept |= todo_titles(copy)
    lost = [title for title in writer.acknowledged if title not in kept]
    assert lost == [], f"{len(lost)} of {len(writer.acknowledged)} answered saves lost"
