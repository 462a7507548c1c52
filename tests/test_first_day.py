"""Issue 11 as an office meets it on its first day: sizes that add up, names and dates
that read the same on every page, result pages worded for who is reading them."""

from __future__ import annotations

import re
import sqlite3

from portal.db import get_db
from portal.filters import filesize
from portal.reminder import status
from tests.settings_helpers import elevated
from tests.test_settings_pages import press


def swell_the_wal(app, rows: int = 400) -> None:
    """Write to todo.db the way a busy office does: many commits that sit in the WAL,
    which SQLite does not shrink when it checkpoints."""
    with app.app_context():
        conn = get_db("todo.db")
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        for n in range(rows):
            with conn:
                conn.execute(
                    "INSERT INTO todos (owner_id, title, created_at) VALUES (1, ?, ?)",
                    (f"to-do {n} " + "x" * 200, "2026-11-27T08:00:00+00:00"),
                )
        with conn:
            conn.execute("DELETE FROM todos")


def test_a_fresh_copy_shows_the_size_of_the_live_file_it_was_taken_from(
    app, people, instance_path
):
    swell_the_wal(app)
    live = instance_path / "data" / "todo.db"
    wal = live.with_name("todo.db-wal")
    assert wal.stat().st_size > live.stat().st_size  # the situation of the report

    admin = elevated(app, "admin")
    press(admin, "todo.db")
    copy = instance_path / "backup" / "todo.db"
    with sqlite3.connect(copy) as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    assert copy.stat().st_size == pages * page_size
    shown = filesize(copy.stat().st_size)

    with app.app_context():
        planned = {f.name: f.size for f in status.planned_files(app)}
    assert planned["todo.db"] == copy.stat().st_size

    page = admin.get("/settings/data-backup").get_data(as_text=True)
    row = re.search(r"<td><code>todo\.db</code></td>.*?</tr>", page, re.S).group(0)
    assert f"<td>{shown}</td>" in row  # the live file's size, next to its newest copy
    confirm = admin.get("/settings/data-backup/restore?file=todo.db&generation=0")
    text = re.sub(r"\s+", " ", confirm.get_data(as_text=True))
    assert text.count(shown) == 2, "the live file and its fresh copy have the same size"
