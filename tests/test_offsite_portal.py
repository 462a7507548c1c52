"""Issue 13: the off-site copy as the portal runs it. After every backup that completes;
a share that is missing, full or failing never harms the local backup, and the next try
(the next run, or the scheduler's hourly try) catches up; `backup offsite list/verify`,
`backup restore --offsite`, and `backup list` saying how the off-site copy stands."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from portal import audit
from portal.data_backup import offsite
from portal.reminder import store as reminder_store
from portal.web import data_backup_of, get_db, instance_of
from tests.backup_helpers import mark_of, set_mark, set_mark_table, tmpfs
from tests.offsite_helpers import use_share

TODAY = date(2026, 11, 27)


@pytest.fixture
def share(app, tmp_path):
    return use_share(app, tmp_path / "nas")


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _status(app):
    with app.app_context():
        return offsite.status(get_db("system.db"), instance_of(app))


def test_every_completed_backup_goes_off_site_and_is_audited(app, share):
    with app.app_context():
        result = data_backup_of(app).run_backup(None, "alice")
        entries = audit.recent_of_kinds(get_db("system.db"), ("backups",))
    day = share / "2026-11-27"
    assert sorted(p.name for p in day.iterdir()) == [
        ".office-portal-day",
        "bulletin.db.age",
        "manifest.age",
        "schedule.db.age",
        "system.db.age",
        "todo.db.age",
    ]  # sealed (issue 21): the copies and the manifest open only with the portal's key
    assert any("Off-site copy of 2026-11-27 complete" in note for note in result.notes)
    assert entries[0].action == "off-site copy completed" and entries[0].actor == "alice"
    status = _status(app)
    assert status.last_day == "2026-11-27" and not status.failing


def test_a_missing_share_never_harms_the_local_backup_and_the_hourly_try_catches_up(
    app, share, clock
):
    unplugged = share.with_name("nas-unplugged")
    share.rename(unplugged)  # the NAS is switched off
    with app.app_context():
        result = data_backup_of(app).run_backup(None, "alice")
        assert reminder_store.done_day(get_db("system.db"), TODAY) is not None
        assert data_backup_of(app).engine().verify().ok
    assert len(result.files) == 4  # the local backup is complete
    assert any("does not exist or cannot be reached" in note for note in result.notes)
    status = _status(app)
    assert status.failing and "does not exist" in status.last_error and not status.last_success
    clock.advance(hours=1)
    with app.app_context():
        assert offsite.retry_if_behind(data_backup_of(app).engine(), instance_of(app)) is not None
        assert not offsite.retry_if_behind(data_backup_of(app).engine(), instance_of(app)).ok
    unplugged.rename(share)  # back again
    clock.advance(hours=1)
    with app.app_context():
        outcome = offsite.retry_if_behind(data_backup_of(app).engine(), instance_of(app))
        assert outcome.ok, outcome.message
        # Nothing new since: the hourly try does nothing at all.
        assert offsite.retry_if_behind(data_backup_of(app).engine(), instance_of(app)) is None
    assert (share / "2026-11-27" / "manifest.age").is_file()
    assert not _status(app).failing


@pytest.mark.parametrize(
    ("options", "why", "mended"),
    [
        ("remount,size=64k", "Not enough free space in the off-site folder", "remount,size=16m"),
        ("remount,ro", "The portal's account cannot write to the off-site folder", "remount,rw"),
    ],
    ids=["full", "read-only"],
)
def test_a_full_or_read_only_share_never_harms_the_local_backup_and_recovers(
    app, tmp_path, options, why, mended
):
    import subprocess

    with tmpfs(tmp_path / "nas", "size=4m") as root:
        use_share(app, root)  # saved while the share worked
        subprocess.run(["mount", "-o", options, str(root)], check=True)
        with app.app_context():
            result = data_backup_of(app).run_backup(None, "alice")
            assert data_backup_of(app).engine().verify().ok
        assert len(result.files) == 4
        assert any(why in note for note in result.notes), result.notes
        assert not any(p.name.startswith("20") for p in root.iterdir())  # nothing half-sent
        subprocess.run(["mount", "-o", mended, str(root)], check=True)
        with app.app_context():
            assert offsite.retry_if_behind(data_backup_of(app).engine(), instance_of(app)).ok
        assert (root / "2026-11-27" / "manifest.age").is_file()


def test_restore_from_an_off_site_day_with_every_check(app, share, runner, instance_path, clock):
    todo = instance_path / "data" / "todo.db"
    set_mark_table(todo)
    set_mark(todo, "as it was on the 27th")
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    set_mark(todo, "a bad bulk change")
    clock.advance(days=1)
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    listing = runner.invoke(args=["backup", "offsite", "list"])
    assert listing.exit_code == 0, listing.output
    assert "2026-11-28  complete    todo.db" in listing.output
    assert "2026-11-27  complete    system.db" in listing.output
    assert "2026-11-28  complete    system.db      " in listing.output
    done = runner.invoke(args=["backup", "restore", "todo.db", "--offsite", "2026-11-27", "--yes"])
    assert done.exit_code == 0, done.output
    assert mark_of(todo) == "as it was on the 27th"
    assert "The data as it was is kept in" in done.output
    safety = list((instance_path / "backup" / "pre-restore").iterdir())
    assert [mark_of(p) for p in safety] == ["a bad bulk change"]
    with app.app_context():
        entry = audit.recent_of_kinds(get_db("system.db"), ("restores",))[0]
    assert "todo.db from the off-site copy of 2026-11-27" in entry.detail


def test_a_changed_off_site_copy_is_never_restored_and_verify_names_it(
    app, share, runner, instance_path
):
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    (share / "2026-11-27" / "todo.db.age").write_bytes(b"SQLite format 3\x00" + b"\x00" * 4080)
    refused = runner.invoke(
        args=["backup", "restore", "todo.db", "--offsite", "2026-11-27", "--yes"]
    )
    assert refused.exit_code == 1
    assert "The off-site copy of todo.db of 2026-11-27 was refused" in refused.output
    assert "does not open with this portal's keys" in refused.output
    checked = runner.invoke(args=["backup", "offsite", "verify"])
    assert checked.exit_code == 1
    assert "PROBLEM: 2026-11-27 todo.db: forged or altered" in checked.output
    somebodys = share / "2026-11-25"
    somebodys.mkdir()  # a folder named like a day, not made by the portal
    not_ours = runner.invoke(
        args=["backup", "restore", "todo.db", "--offsite", "2026-11-25", "--yes"]
    )
    assert "There is no off-site copy of 2026-11-25" in not_ours.output
    incomplete = share / "2026-11-26"  # a day the portal began and never completed
    shutil.copytree(share / "2026-11-27", incomplete)
    (incomplete / "manifest.age").unlink()
    not_offered = runner.invoke(
        args=["backup", "restore", "todo.db", "--offsite", "2026-11-26", "--yes"]
    )
    assert "The off-site copy of 2026-11-26 is incomplete" in not_offered.output


def test_backup_list_says_how_the_off_site_copy_stands(app, share, runner):
    runner.invoke(args=["backup", "run"])
    listing = runner.invoke(args=["backup", "list"]).output
    assert f"Off-site folder: {share}" in listing
    assert "Last off-site copy: 27 Nov 2026 09:00 (the copy of 2026-11-27)" in listing
    share.rename(share.with_name("nas-away"))
    runner.invoke(args=["backup", "run"])
    listing = runner.invoke(args=["backup", "list"]).output
    assert "FAILING since" in listing and "does not exist or cannot be reached" in listing


def test_verify_with_no_off_site_folder_says_so(runner):
    result = runner.invoke(args=["backup", "offsite", "verify"])
    assert result.exit_code == 1
    assert "No off-site folder is set" in result.output


def test_the_weekly_verify_checks_local_and_off_site_once_that_day(app, share, clock):
    from portal.nightly import verify_job
    from tests.helpers import utc

    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    clock.set(utc(2026, 11, 29, 1, 59))  # Sunday 02:59 in Berlin: not yet
    with app.app_context():
        assert not verify_job.run_if_due(instance_of(app), data_backup_of(app))
    clock.set(utc(2026, 11, 29, 2, 0))  # Sunday 03:00
    with app.app_context():
        assert verify_job.run_if_due(instance_of(app), data_backup_of(app))
        assert not verify_job.run_if_due(instance_of(app), data_backup_of(app))  # once that day
        entries = audit.recent_of_kinds(get_db("system.db"), ("backups",))
    verified = [e.detail for e in entries if e.action == "backup verified"]
    assert verified[0].startswith("Off site: 1 complete day verified (4 stored files read)")
    assert verified[1].startswith("All 4 recorded copies were verified")
    assert {e.actor for e in entries if e.action == "backup verified"} == {
        "scheduler (weekly verify)"
    }


def test_backup_run_if_due_runs_the_weekly_verify_for_sites_without_a_scheduler(app, clock):
    from tests.helpers import utc

    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "run"]).exit_code == 0
    clock.set(utc(2026, 11, 29, 2, 30))  # Sunday 03:30 in Berlin
    for _ in range(2):  # every 15 minutes: the verify runs once that day
        result = runner.invoke(args=["backup", "run", "--if-due"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        entries = audit.recent_of_kinds(get_db("system.db"), ("backups",))
    weekly = [e for e in entries if e.actor == "scheduler (weekly verify)"]
    assert len(weekly) == 1 and weekly[0].detail.startswith("All 4 recorded copies were verified")
