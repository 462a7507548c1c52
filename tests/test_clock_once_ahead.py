"""Issue 20, item 12: a clock that was once far ahead (one run at 2038) stops neither
the off-site copy nor local rotation until 2038. The portal says what it sees, on the
Data Backup page and on the command line; one step (the page's button, or `backup
clock-mistake`) says the later date was a mistake, after which backups go on under
today's date with nothing deleted, and the mistaken copies age out as if made that day.
A day folder someone else made with a future date never stops anything."""

from __future__ import annotations

from datetime import date

import pytest

from portal.web import data_backup_of
from tests.helpers import submit, utc
from tests.offsite_helpers import use_share
from tests.settings_helpers import elevated

LATER = "2038-01-19"


@pytest.fixture
def share(app, tmp_path):
    app.config.update(OFFSITE_KEEP_DAILY=2, OFFSITE_KEEP_WEEKLY=0, OFFSITE_KEEP_MONTHLY=0)
    return use_share(app, tmp_path / "nas")


def _run(app, clock, moment):
    clock.set(moment)
    with app.app_context():
        return data_backup_of(app).run_backup(None, "alice")


def _taken_days(instance_path, name="todo.db") -> list[str]:
    """The day each generation of `name` was taken, newest first (its file time)."""
    from datetime import UTC, datetime

    backup = instance_path / "backup"
    slots = [backup / name] + [backup / str(n) / name for n in range(1, 8)]
    return [
        datetime.fromtimestamp(p.stat().st_mtime, UTC).date().isoformat()
        for p in slots
        if p.exists()
    ]


def _one_run_at_2038(app, clock, share):
    _run(app, clock, utc(2026, 11, 26, 8, 0))
    (share / "2039-01-01").mkdir()  # someone else's folder with a future date
    (share / "2039-01-01" / "notes.txt").write_text("not the portal's")
    _run(app, clock, utc(2038, 1, 19, 2, 0))  # the clock was far ahead for one run
    assert (share / LATER / "manifest.age").is_file()


def test_until_it_is_said_rotation_and_the_off_site_copy_stop_and_say_why(
    app, clock, share, instance_path
):
    _one_run_at_2038(app, clock, share)
    result = _run(app, clock, utc(2026, 11, 27, 8, 0))  # the clock is right again
    notes = " ".join(result.notes)
    assert f"dated {LATER}, after today (2026-11-27)" in notes
    assert "backup clock-mistake" in notes  # the one step, named
    assert not (share / "2026-11-27").exists()
    listed = app.test_cli_runner().invoke(args=["backup", "list"])
    assert f"Copies are dated {LATER}, after today (2026-11-27)" in listed.output
    assert "backup clock-mistake`" in listed.output


def test_the_step_on_the_page_lets_copies_and_rotation_go_on_with_nothing_deleted(
    app, people, clock, share, instance_path
):
    _one_run_at_2038(app, clock, share)
    clock.set(utc(2026, 11, 27, 8, 0))
    admin = elevated(app, "admin")
    page = admin.get("/settings/data-backup").get_data(as_text=True)
    assert f"Copies are dated {LATER}, after today (2026-11-27)" in page
    assert "The later date was a mistake" in page
    done = submit(admin, "/settings/data-backup", "/settings/data-backup/clock-mistake")
    assert done.status_code == 302
    page = admin.get("/settings/data-backup").get_data(as_text=True)
    assert f"Said to be a clock&#39;s mistake: {LATER}" in page
    assert "Copies are dated" not in page  # said once, then gone
    result = _run(app, clock, utc(2026, 11, 27, 8, 0))
    assert {f.outcome for f in result.files} == {"rotated"}  # a new generation
    assert _taken_days(instance_path) == ["2026-11-27", LATER, "2026-11-26"]  # all kept
    assert (share / "2026-11-27" / "manifest.age").is_file()
    assert (share / LATER / "manifest.age").is_file()  # nothing deleted off site
    # The mistaken day ages out as if made on 2026-11-27 (2 daily days kept here).
    _run(app, clock, utc(2026, 11, 28, 8, 0))
    assert (share / LATER).is_dir()
    _run(app, clock, utc(2026, 11, 29, 8, 0))
    assert not (share / LATER).exists()
    assert _taken_days(instance_path)[:4] == ["2026-11-29", "2026-11-28", "2026-11-27", LATER]
    assert (share / "2039-01-01" / "notes.txt").is_file()  # someone else's: untouched


def test_the_step_as_a_command(app, clock, share, instance_path):
    _one_run_at_2038(app, clock, share)
    clock.set(utc(2026, 11, 27, 8, 0))
    runner = app.test_cli_runner()
    said = runner.invoke(args=["backup", "clock-mistake"])
    assert said.exit_code == 0, said.output
    assert f"Said to be a clock's mistake: {LATER}" in said.output
    assert "nothing was deleted" in said.output
    again = runner.invoke(args=["backup", "clock-mistake"])
    assert "nothing to do" in again.output
    result = _run(app, clock, utc(2026, 11, 27, 8, 0))
    assert {f.outcome for f in result.files} == {"rotated"}
    assert (share / "2026-11-27" / "manifest.age").is_file()
    assert date(2026, 11, 27).isoformat() in "".join(_taken_days(instance_path))
