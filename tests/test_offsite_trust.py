"""Issue 20 on the off-site folder: where it may be (item 3), a share that is not there
(18), a damaged day never pruned because of its damage (4), a damaged copy never reused
and healed (5), verify that checks every day whole (6), owner-only modes (13)."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path, PureWindowsPath

import pytest

from portal.data_backup.offsite import newest_local
from portal.offsite import Keep, OffsiteError, send
from portal.offsite.place import Protected, location_problem, system_problem
from portal.offsite.verify import verify
from tests.backup_helpers import NAMES, local, make_engine, set_mark
from tests.helpers import FakeClock
from tests.offsite_helpers import back_up_and_send, share_at


@pytest.fixture
def site(tmp_path):
    clock = FakeClock(local(2026, 11, 1, 13, 0))
    engine = make_engine(tmp_path / "site", clock)
    return engine, clock, share_at(tmp_path / "nas", names=NAMES)


# -- item 3: where the off-site folder may be ---------------------------------------------


@pytest.mark.parametrize(
    "where", ["/", "/etc", "/etc/portal", "/proc", "/usr/share/x", "/var", "/home", "/tmp"]
)
def test_system_folders_are_refused(where):
    assert location_problem(where, None) is not None


@pytest.mark.parametrize(
    ("where", "refused"),
    [
        ("C:\\", True),
        ("D:\\", True),
        ("\\\\nas\\share", True),
        ("C:\\Windows", True),
        ("C:\\Windows\\Temp\\x", True),
        ("C:\\Program Files", True),
        ("C:\\ProgramData", True),
        ("C:\\Users", True),
        ("D:\\Offsite", False),
        ("\\\\nas\\share\\portal", False),
        ("C:\\Users\\it\\offsite", False),
    ],
)
def test_windows_roots_and_system_folders_are_refused(where, refused):
    assert (system_problem(PureWindowsPath(where), windows=True) is not None) is refused


def test_the_instance_its_folders_and_the_folders_above_them_are_refused(tmp_path):
    instance = tmp_path / "srv" / "instance"
    protected = Protected(instance, instance / "data", tmp_path / "backup-disk" / "backup")
    for where, words in [
        (instance, "is the portal's instance folder"),
        (instance / "data", "is the portal's data folder"),
        (instance / "offsite", "is inside the portal's instance folder"),
        (instance / "data" / "x", "is inside the portal's data folder"),
        (tmp_path / "srv", "holds the portal's instance folder"),
        (tmp_path / "backup-disk", "holds the portal's backup folder"),
        (tmp_path / "backup-disk" / "backup" / "1", "is inside the portal's backup folder"),
    ]:
        assert words in (location_problem(str(where), protected) or ""), where
    assert location_problem(str(tmp_path / "nas"), protected) is None
    assert "full path" in location_problem("nas/portal", protected)


def test_a_folder_with_someone_elses_files_is_refused_an_empty_one_is_marked(tmp_path):
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "minutes.docx").write_text("the office's own")
    folder = share_at(theirs, claim=False)
    with pytest.raises(OffsiteError, match="is not empty .* and is not this portal's"):
        folder.claim()
    assert sorted(p.name for p in theirs.iterdir()) == ["minutes.docx"]
    empty = share_at(tmp_path / "empty")
    marker = (empty.root / "office-portal-offsite.txt").read_text()
    assert "portal\t0123456789abcdef0123456789abcdef" in marker
    assert empty.claim() is False  # already this portal's: nothing to do


def test_another_portals_folder_is_refused(tmp_path, site):
    engine, _clock, share = site
    back_up_and_send(engine, share)
    other = share_at(share.root, claim=False)
    other.owner = "another-portal"
    assert "belongs to another portal instance" in other.problem()
    with pytest.raises(OffsiteError, match="belongs to another portal instance"):
        other.claim()
    engine.run(who="alice")
    with pytest.raises(OffsiteError, match="belongs to another portal instance"):
        send(other, newest_local(engine), date(2026, 11, 1))


# -- item 18: a share that is not mounted -------------------------------------------------


def test_an_unmounted_share_gets_nothing_written_and_says_so(tmp_path, site):
    engine, _clock, share = site
    back_up_and_send(engine, share)
    mount_point = tmp_path / "mnt-nas"
    mount_point.mkdir()  # the share's mount point, with the share not mounted
    unmounted = share_at(mount_point, claim=False)
    with pytest.raises(OffsiteError, match="not marked as this portal's .* not connected"):
        send(unmounted, newest_local(engine), date(2026, 11, 1))
    assert list(mount_point.iterdir()) == []
    assert "not connected" in verify(unmounted).unreachable


# -- item 4: a day with a damaged manifest is kept until it ages out -----------------------


def test_a_day_with_an_unreadable_line_is_kept_and_reported_until_it_ages_out(site):
    engine, clock, share = site
    keep = Keep(daily=3, weekly=0, monthly=0)
    for _ in range(3):
        back_up_and_send(engine, share, change=("todo.db", "system.db"), keep=keep)
        clock.advance(days=1)
    damaged = share.root / "2026-11-02" / "manifest.txt"
    damaged.write_text(damaged.read_text().replace("todo.db\t", "t\x00do.db\tgarbage", 1))
    report = verify(share)
    assert report.problems == ["2026-11-02: its manifest cannot be read whole (line 9)"]
    back_up_and_send(engine, share, keep=keep)  # 4 Nov: 2, 3, 4 Nov are the 3 kept
    assert (share.root / "2026-11-02" / "todo.db").is_file()
    assert (share.root / "2026-11-02" / "system.db").is_file()
    assert [d.day.day for d in share.days()] == [2, 3, 4]
    clock.advance(days=1)
    back_up_and_send(engine, share, keep=keep)  # 5 Nov: it has aged out
    assert [d.day.day for d in share.days()] == [3, 4, 5]


def test_a_kept_damaged_day_keeps_every_earlier_copy_it_may_use(site):
    engine, clock, share = site
    keep = Keep(daily=2, weekly=0, monthly=0)
    back_up_and_send(engine, share, change=("todo.db", "system.db"), keep=keep)  # 1 Nov
    clock.advance(days=1)
    back_up_and_send(engine, share, change=("todo.db",), keep=keep)  # 2 Nov: system.db of 1 Nov
    manifest = share.root / "2026-11-02" / "manifest.txt"
    manifest.write_text(manifest.read_text().replace("system.db\t", "s?stem.db\t\t", 1))
    clock.advance(days=1)
    back_up_and_send(engine, share, change=("todo.db", "system.db"), keep=keep)  # 3 Nov
    # 1 Nov is pruned; its system.db is what 2 Nov's unreadable line may name: kept.
    assert (share.root / "kept-copies" / "2026-11-01" / "system.db").is_file()


# -- item 5: a damaged copy is never reused, and is healed ---------------------------------


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_copy_found_damaged_is_never_reused_and_is_healed_in_place(site):
    engine, clock, share = site
    back_up_and_send(engine, share)  # 1 Nov: system.db sent; never changes after
    clock.advance(days=1)
    back_up_and_send(engine, share)  # 2 Nov: system.db points to 1 Nov's
    stored = share.root / "2026-11-01" / "system.db"
    _flip_a_byte(stored)
    found = verify(share)
    assert found.damaged == {(date(2026, 11, 1), "system.db")}
    clock.advance(days=1)
    set_mark(engine.sources["todo.db"].path, "3 Nov")
    engine.run(who="alice")
    result = send(share, newest_local(engine), date(2026, 11, 3), Keep(), found.damaged)
    assert result.healed == ["system.db"] and "system.db" not in result.reused
    report = verify(share)
    assert report.ok, report.problems  # the three days that point to it are whole again
    assert share.ops.sha256(stored) == newest_local(engine)[0].sha256


def test_a_damaged_copy_whose_bytes_are_gone_locally_gets_a_fresh_copy_today(site):
    engine, clock, share = site
    back_up_and_send(engine, share, change=("todo.db", "system.db"))
    _flip_a_byte(share.root / "2026-11-01" / "system.db")
    damaged = verify(share).damaged
    clock.advance(days=1)
    set_mark(engine.sources["system.db"].path, "changed")
    engine.run(who="alice")
    result = send(share, newest_local(engine), date(2026, 11, 2), Keep(), damaged)
    assert "system.db" in result.sent
    today = share.day(date(2026, 11, 2))
    assert today.manifest.item("system.db").stored_in == date(2026, 11, 2)
    # 1 Nov stays reported: its own bytes are nowhere to heal it from.
    assert verify(share).problems[0].startswith("2026-11-01 system.db: differs")


# -- item 6: verify checks every day whole -------------------------------------------------


def test_verify_names_a_day_without_a_data_file_and_an_empty_manifest(site):
    engine, clock, share = site
    back_up_and_send(engine, share)
    clock.advance(days=1)
    back_up_and_send(engine, share)
    first = share.root / "2026-11-01" / "manifest.txt"
    first.write_text(
        "".join(
            line for line in first.read_text().splitlines(True) if not line.startswith("todo.db\t")
        )
    )
    second = share.root / "2026-11-02" / "manifest.txt"
    second.write_text("\n".join(second.read_text().splitlines()[:6]) + "\n")  # lines gone
    report = verify(share)
    assert report.problems == [
        "2026-11-01: its manifest has no copy of todo.db",
        "2026-11-02: its manifest has no copy of system.db, todo.db",
    ]
    assert len(share.days()) == 2 and report.days == []


def test_verify_names_a_copy_of_another_data_file_with_a_matching_line(tmp_path):
    clock = FakeClock(local(2026, 11, 1, 13, 0))
    engine = make_engine(tmp_path / "site", clock)
    kinds = {
        name: (lambda path, name=name: None if _is_named(path, name) else "other tables")
        for name in NAMES
    }
    for name in NAMES:  # give each file a table naming it
        import sqlite3

        with sqlite3.connect(engine.sources[name].path) as conn:
            conn.execute(f'CREATE TABLE "{name}" (x)')
        conn.close()
    share = share_at(tmp_path / "nas", names=NAMES)
    back_up_and_send(engine, share)
    day = share.root / "2026-11-01"
    manifest = day / "manifest.txt"
    items = share.day(date(2026, 11, 1)).manifest
    system = items.item("system.db")
    todo = items.item("todo.db")
    (day / "todo.db").write_bytes((day / "system.db").read_bytes())
    manifest.write_text(
        manifest.read_text().replace(
            f"{todo.size}\t{todo.sha256}", f"{system.size}\t{system.sha256}"
        )
    )
    report = verify(share, kinds)
    assert report.problems == ["2026-11-01 todo.db: is not a copy of todo.db (other tables)"]


def _is_named(path: Path, name: str) -> bool:
    import sqlite3

    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    finally:
        conn.close()
    return name in tables


def test_verify_over_nothing_says_nothing_was_checked(site):
    _engine, _clock, share = site
    report = verify(share)
    assert report.ok and report.days == []
    assert report.summary() == "Off site: no complete day to verify yet: nothing was checked."


# -- item 13: owner-only on the share ------------------------------------------------------


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_day_folders_and_copies_on_the_share_are_owner_only(site):
    engine, clock, share = site
    keep = Keep(daily=1, weekly=0, monthly=0)
    back_up_and_send(engine, share, keep=keep)
    clock.advance(days=1)
    back_up_and_send(engine, share, keep=keep)  # system.db of 1 Nov moves to kept-copies
    for path in share.root.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
