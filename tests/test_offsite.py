"""Issue 13: the off-site copy, on a real second folder as the share. Dated folders with
a manifest written last; nothing copied twice; a year of history by the retention rule;
every kept day verified; a failing share never touches the local backup."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.data_backup.offsite import newest_local
from portal.offsite import Keep, OffsiteError, probe, send
from portal.offsite import manifest as manifest_mod
from portal.offsite.retention import kept
from portal.offsite.verify import verify
from tests.backup_helpers import local, make_engine, mark_of
from tests.helpers import FakeClock
from tests.offsite_helpers import (
    back_up_and_send,
    dated_folders,
    expected_after_daily_runs,
    share_at,
)

START = local(2026, 11, 27, 13, 5)


@pytest.fixture
def site(tmp_path):
    clock = FakeClock(START)
    engine = make_engine(tmp_path, clock)
    share_root = tmp_path / "nas"
    share_root.mkdir()
    return engine, clock, share_at(share_root)


def test_a_run_makes_a_complete_dated_folder_with_a_readable_manifest(site):
    engine, _clock, share = site
    result = back_up_and_send(engine, share)
    day = share.root / "2026-11-27"
    assert sorted(p.name for p in day.iterdir()) == [
        ".office-portal-day",
        "manifest.txt",
        "system.db",
        "todo.db",
    ]
    text = (day / "manifest.txt").read_text(encoding="utf-8")
    assert text.startswith("# manifest.txt: the Office Portal's off-site copy of 2026-11-27.")
    lines = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    local_newest = {c.name: c for c in newest_local(engine)}
    for name, taken, size, sha256, who, stored_in in lines:
        assert sha256 == local_newest[name].sha256 == engine.ops.sha256(day / name)
        assert int(size) == (day / name).stat().st_size
        assert (taken, who, stored_in) == ("2026-11-27 13:05:00 +0100", "alice", "2026-11-27")
    assert result.sent == ["system.db", "todo.db"] and result.bytes_written > 0
    assert verify(share).ok


def test_an_unchanged_file_is_not_copied_again_the_manifest_points_to_it(site):
    engine, clock, share = site
    first = back_up_and_send(engine, share)
    clock.advance(days=1)
    second = back_up_and_send(engine, share, change=("todo.db",))
    assert second.sent == ["todo.db"] and second.reused == ["system.db"]
    todo_copy = engine.layout.slot("todo.db", 0).stat().st_size
    assert second.bytes_written == todo_copy < first.bytes_written
    day2 = share.root / "2026-11-28"
    assert not (day2 / "system.db").exists()
    manifest = manifest_mod.parse(date(2026, 11, 28), (day2 / "manifest.txt").read_text())
    assert manifest.item("system.db").stored_in == date(2026, 11, 27)
    assert manifest.item("todo.db").stored_in == date(2026, 11, 28)
    assert verify(share).ok


def test_a_second_run_the_same_day_replaces_that_days_copies(site):
    engine, clock, share = site
    back_up_and_send(engine, share)
    clock.advance(hours=3)
    again = back_up_and_send(engine, share)
    assert again.sent == ["todo.db"] and again.reused == ["system.db"]
    assert dated_folders(share.root) == ["2026-11-27"]
    day = share.root / "2026-11-27"
    # Written beside the morning's copy and manifest, never over them (issue 20, item 16);
    # once the new manifest was whole, the morning's went.
    assert sorted(p.name for p in day.iterdir()) == [
        ".office-portal-day",
        "manifest-2.txt",
        "system.db",
        "todo-2.db",
    ]
    assert mark_of(day / "todo-2.db") == f"todo.db at {local(2026, 11, 27, 16, 5).isoformat()}"
    manifest = manifest_mod.parse(date(2026, 11, 27), (day / "manifest-2.txt").read_text())
    assert manifest.item("todo.db").sha256 == engine.ops.sha256(day / "todo-2.db")
    assert (
        share.ops.sha256(share.path_of(manifest.item("todo.db"))) == manifest.item("todo.db").sha256
    )
    # Nothing new: nothing is written at all.
    assert send(share, newest_local(engine), date(2026, 11, 27)).unchanged


# The retention rule itself is checked on calendars below; these runs prove the whole
# send (copies, manifests, pruning, shared kept copies) day after day. The fast tier runs
# a smaller rule for 100 days, which passes through every kind of pruning (daily, weekly
# and monthly ones) in 5 s; the slow tier runs the real rule for a whole year (16 s).
@pytest.mark.parametrize(
    ("days", "keep"),
    [
        pytest.param(100, Keep(daily=3, weekly=2, monthly=2), id="100-days-3-2-2"),
        pytest.param(366, Keep(), id="a-year-7-4-12", marks=pytest.mark.slow),
    ],
)
def test_daily_runs_keep_the_days_of_the_rule_each_complete(site, days, keep):
    engine, clock, share = site
    sent = []
    for _ in range(days):
        result = back_up_and_send(engine, share, change=("todo.db",), keep=keep)
        todo_copy = engine.layout.slot("todo.db", 0).stat().st_size
        system_copy = engine.layout.slot("system.db", 0).stat().st_size
        expected_bytes = todo_copy + (system_copy if "system.db" in result.sent else 0)
        assert result.bytes_written == expected_bytes  # the bytes written are the bytes sent
        sent.append(result.sent)
        clock.advance(days=1)
    last = (clock() - timedelta(days=1)).date()
    expected = expected_after_daily_runs(last, keep)
    assert dated_folders(share.root) == sorted(d.isoformat() for d in expected)
    assert len(expected) <= keep.daily + keep.weekly + keep.monthly
    report = verify(share)
    assert report.ok, report.problems
    assert sorted(report.days) == sorted(expected) and not report.incomplete
    # system.db never changed: it was sent once, on the first day, and is still kept.
    assert sent[0] == ["system.db", "todo.db"]
    assert all(day == ["todo.db"] for day in sent[1:])
    held = share.root / "kept-copies" / "2026-11-27" / "system.db"
    assert held.is_file()
    for day in expected:
        manifest = share.day(day).manifest
        assert share.path_of(manifest.item("system.db")) == held


def test_the_retention_rule_on_a_calendar():
    """The example in docs/admin-guide.md: daily runs up to Friday 27 November 2026."""
    days = [date(2025, 11, 1) + timedelta(days=n) for n in range(392)]
    assert days[-1] == date(2026, 11, 27)
    chosen = sorted(kept(days, Keep()))
    assert chosen == [
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
        date(2026, 7, 31),
        date(2026, 8, 31),
        date(2026, 9, 30),
        date(2026, 10, 31),
        date(2026, 11, 8),
        date(2026, 11, 15),
        date(2026, 11, 21),
        date(2026, 11, 22),
        date(2026, 11, 23),
        date(2026, 11, 24),
        date(2026, 11, 25),
        date(2026, 11, 26),
        date(2026, 11, 27),
    ]
    assert kept(days, Keep(daily=0, weekly=0, monthly=0)) == set()
    assert kept([date(2026, 11, 27)], Keep()) == {date(2026, 11, 27)}


def test_a_missing_share_is_named_and_never_made(site, tmp_path):
    engine, _clock, _share = site
    engine.run(who="alice")
    away = share_at(tmp_path / "nas-not-mounted", claim=False)
    with pytest.raises(OffsiteError, match="does not exist or cannot be reached"):
        send(away, newest_local(engine), date(2026, 11, 27))
    assert not away.root.exists()


def test_a_clock_behind_the_share_sends_nothing(site):
    engine, clock, share = site
    back_up_and_send(engine, share)
    clock.advance(days=-2)
    with pytest.raises(OffsiteError, match=r"after today \(2026-11-25\): the server.s clock"):
        back_up_and_send(engine, share)
    assert dated_folders(share.root) == ["2026-11-27"]


def test_the_test_probe_writes_reads_back_and_leaves_nothing(site):
    _engine, _clock, share = site
    probe.test(share)
    assert [p.name for p in share.root.iterdir()] == ["office-portal-offsite.txt"]


def test_verify_names_a_changed_and_a_missing_copy(site):
    engine, clock, share = site
    back_up_and_send(engine, share)
    clock.advance(days=1)
    back_up_and_send(engine, share)
    (share.root / "2026-11-27" / "system.db").write_bytes(b"not what was sent")
    (share.root / "2026-11-28" / "todo.db").unlink()
    report = verify(share)
    assert not report.ok
    assert "2026-11-27 system.db: differs from the SHA-256 in its manifest" in report.summary()
    assert "2026-11-28 system.db: differs" in report.summary()  # it points to the same bytes
    assert "2026-11-28 todo.db: missing" in report.summary()
    assert report.files == 3  # each stored file read once


def test_a_local_copy_that_changed_since_it_was_made_is_never_sent(site):
    engine, _clock, share = site
    engine.run(who="alice")
    copies = newest_local(engine)
    damaged = engine.layout.slot("todo.db", 0)
    data = bytearray(damaged.read_bytes())
    data[200] ^= 0xFF
    damaged.write_bytes(bytes(data))
    with pytest.raises(OffsiteError, match="The local copy of todo.db does not match"):
        send(share, copies, date(2026, 11, 27))
    assert share.complete_days() == []
    left = sorted(p.name for p in (share.root / "2026-11-27").iterdir())
    assert left in ([".office-portal-day"], [".office-portal-day", "system.db"])


def test_a_share_that_gives_back_other_bytes_keeps_nothing(site):
    from portal.offsite.shareops import ShareOps

    class Garbling(ShareOps):
        def copy_flushed(self, source, target, seal=None):
            sums = super().copy_flushed(source, target, seal)
            with open(target, "r+b") as handle:
                handle.seek(100)
                handle.write(b"\x00garbled\x00")
            return sums

    engine, _clock, share = site
    engine.run(who="alice")
    garbling = share_at(share.root, Garbling())
    with pytest.raises(OffsiteError, match="read back from the off-site folder differs"):
        send(garbling, newest_local(engine), date(2026, 11, 27))
    assert share.complete_days() == []
    left = [p.name for p in (share.root / "2026-11-27").iterdir()]
    assert left == [".office-portal-day"]  # the partial is gone


def test_other_folders_on_the_share_are_never_listed_pruned_or_read(site):
    engine, clock, share = site
    others = ["notes", "2026-W48-5", "2026-13-45", "kept-copies-old"]
    for name in others:
        (share.root / name).mkdir()
        (share.root / name / "todo.db").write_text("somebody else's")
    for _ in range(3):
        back_up_and_send(engine, share, keep=Keep(daily=1, weekly=0, monthly=0))
        clock.advance(days=1)
    expected = [
        "2026-11-29",
        "kept-copies",
        "office-portal-offsite.txt",
        *others,
    ]  # system.db never changed: kept
    assert sorted(p.name for p in share.root.iterdir()) == sorted(expected)
    for name in others:
        assert (share.root / name / "todo.db").read_text() == "somebody else's"
    assert [d.day for d in share.days()] == [date(2026, 11, 29)]


def test_a_damaged_manifest_makes_its_day_incomplete_and_verify_says_why(site):
    engine, clock, share = site
    back_up_and_send(engine, share)
    manifest = share.root / "2026-11-27" / "manifest.txt"
    manifest.write_text(manifest.read_text() + "todo.db\tnot a time\n")
    (day,) = share.days()
    assert not day.complete and "line" in day.problem
    with pytest.raises(OffsiteError, match="The off-site copy of 2026-11-27 is incomplete"):
        share.day(date(2026, 11, 27))
    report = verify(share)
    assert not report.ok
    assert report.problems[0] == "2026-11-27: its manifest cannot be read whole (line 10)"


def test_an_off_site_folder_that_is_a_file_is_named(tmp_path):
    a_file = tmp_path / "nas"
    a_file.write_text("not a folder")
    assert (
        share_at(a_file, claim=False).problem() == f"The off-site folder {a_file} is not a folder."
    )
    report = verify(share_at(a_file, claim=False))
    # Not read at all, which is said as such (never as a damaged copy).
    assert report.unreachable == f"The off-site folder {a_file} is not a folder."
    assert not report.ok
    assert report.summary().startswith("Off site: not verified: ")
