"""Issue 20, item 9: a live data file of another kind (schedule.db copied over todo.db)
under the running portal gives the 503 "Data not available" page naming it, never a 500
with a traceback; `backup verify` checks each live data file too and exits 1 naming it."""

from __future__ import annotations

import shutil
import urllib.error

from portal.web import instance_of
from tests.http_client import Browser
from tests.serving import run_flask, serve


def test_a_data_file_of_another_kind_is_a_503_naming_it_and_verify_says_so(tmp_path):
    instance = tmp_path / "office"
    with serve(instance, "--demo") as (url, output):
        assert run_flask(instance, "backup", "run").returncode == 0
        browser = Browser(url)
        browser.log_in("alice", "office-demo")
        data = instance / "data"
        # Another data file copied over the To-Do List's, as a hand restore gone wrong.
        shutil.copyfile(data / "schedule.db", data / "todo.db")
        for side in ("-wal", "-shm"):
            (data / f"todo.db{side}").unlink(missing_ok=True)
        try:
            browser.get("/todo/")
            raise AssertionError("the To-Do List answered as if nothing was wrong")
        except urllib.error.HTTPError as answer:
            assert answer.code == 503, answer.code
            text = answer.read().decode()
        assert "is not the portal&#39;s todo.db" in text or "is not the portal's todo.db" in text
        assert "backup restore todo.db" in text
        assert "Traceback" not in output()
    checked = run_flask(instance, "backup", "verify")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert f"PROBLEM: the live data file {data / 'todo.db'} is not the portal's todo.db" in (
        checked.stdout
    )


def test_without_copies_the_hint_says_to_move_it_away_first(app, instance_path):
    from portal import data_health

    data = instance_path / "data"
    shutil.copyfile(data / "schedule.db", data / "todo.db")
    problem = data_health.problems(instance_of(app), kinds=True)["todo.db"]
    assert problem.fix.startswith(f"It has no copies: move it out of {data}, then")
