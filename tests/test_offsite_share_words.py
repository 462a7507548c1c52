"""Issue 20, items 17 and 20. Test does what a copy does (write and flush, rename to a
final name, read back, delete, the free space) and says what will fail; a share that
reports no free space at all is said as such and the copy is still tried, stopping
cleanly on a real "disk full"; share errors are said in words (EIO may be a full share,
a lost connection is "cannot be reached", never "incomplete" or "not the portal's")."""

from __future__ import annotations

import contextlib
import errno
import os
from datetime import date
from pathlib import Path

import pytest

from portal.data_backup.offsite import newest_local
from portal.offsite import OffsiteError, probe, send
from portal.offsite.confined import Confined
from portal.offsite.seal import Key, Seal
from portal.offsite.share_words import share_error
from portal.offsite.shareops import ShareOps
from tests.backup_helpers import make_engine, set_mark, tmpfs
from tests.helpers import FakeClock, submit, utc
from tests.offsite_helpers import back_up_and_send, share_at
from tests.settings_helpers import elevated


class NoRenameOver(ShareOps):
    """A share that cannot rename over an existing file (SFTP without posix-rename)."""

    def raw_replace(self, source: Path, target: Path) -> None:
        if os.path.lexists(target):
            raise PermissionError(errno.EPERM, "Operation not permitted", str(source))
        super().raw_replace(source, target)


class ReportsNoSpace(ShareOps):
    """A share that reports 0 bytes free (a FUSE SMB client that does not know)."""

    def free_space(self, path: Path) -> int:
        return 0


class FailsAt(ShareOps):
    """A share where one kind of step fails with `error`."""

    def __init__(self, step: str, error: OSError):
        super().__init__()
        self.step, self.error, self.armed = step, error, False

    def _fails(self, step: str) -> bool:
        return self.armed and step == self.step

    def write_probe(self, path, data):
        if self._fails("write"):
            raise self.error
        return super().write_probe(path, data)

    def raw_replace(self, source, target):
        if self._fails("rename"):
            raise self.error
        super().raw_replace(source, target)

    def copy_flushed(self, source, target, seal=None):
        if self._fails("copy"):
            raise self.error
        return super().copy_flushed(source, target, seal)


@pytest.fixture
def engine(tmp_path):
    return make_engine(tmp_path, FakeClock(utc(2026, 11, 27, 9, 0)))


def test_test_passes_and_leaves_nothing_on_a_good_share(tmp_path):
    share = share_at(tmp_path / "nas")
    assert probe.test(share) == []
    assert sorted(p.name for p in share.root.iterdir()) == ["office-portal-offsite.txt"]


def test_test_says_a_share_cannot_rename_over_a_file_and_copies_still_work(tmp_path, engine):
    share = share_at(tmp_path / "nas", NoRenameOver())
    notes = probe.test(share)
    assert len(notes) == 1 and "cannot rename a file over another" in notes[0]
    assert "never need to" in notes[0]
    back_up_and_send(engine, share)
    engine.clock.advance(hours=2)
    back_up_and_send(engine, share)  # a second run the same day: beside, never over
    assert share.day(date(2026, 11, 27)).complete


@pytest.mark.parametrize(
    ("step", "error", "words"),
    [
        ("write", OSError(errno.EIO, "Input/output error"), "could not write and flush a file"),
        ("write", OSError(errno.EROFS, "Read-only file system"), "the share is read-only"),
        ("rename", PermissionError(errno.EACCES, "Permission denied"), "could not rename"),
    ],
)
def test_test_names_the_step_that_every_copy_would_fail_at(tmp_path, step, error, words):
    share = share_at(tmp_path / "nas", FailsAt(step, error))
    share.ops.armed = True  # once the folder is marked as the portal's
    with pytest.raises(OffsiteError, match="failed the test") as caught:
        probe.test(share)
    assert words in str(caught.value)
    assert "Every off-site copy would fail the same way" in str(caught.value)
    assert sorted(p.name for p in share.root.iterdir()) == ["office-portal-offsite.txt"]


def test_a_share_reporting_no_free_space_is_said_so_and_the_copy_is_still_tried(tmp_path, engine):
    share = share_at(tmp_path / "nas", ReportsNoSpace())
    notes = probe.test(share)
    assert any("reports no free space at all (0 bytes)" in note for note in notes)
    result = back_up_and_send(engine, share)
    assert result.sent and share.day(date(2026, 11, 27)).complete
    assert any("reports no free space at all" in note for note in result.notes)


@pytest.mark.parametrize("sealed", [False, True], ids=["plain", "sealed"])
@pytest.mark.parametrize("room", [0, 300_000], ids=["none-left", "full-during-the-copy"])
def test_a_share_that_is_really_full_stops_the_copy_cleanly_saying_so(
    tmp_path, engine, sealed, room
):
    """A real small file system that refuses writes: full before the day folder is made,
    or with room for the day folder but not for the copy (reporting no free space, as a
    FUSE SMB client does, so the copy is tried). Sealed, age wraps the write error in its
    own: the share's own error must still be the one said."""
    seal = Seal([Key.make(date(2026, 11, 1))]) if sealed else None
    with tmpfs(tmp_path / "small", "size=1m") as mount:
        ops = ReportsNoSpace() if room else None
        names = tuple(engine.sources)  # as the portal's folder knows its data files
        share = share_at(mount / "nas", ops, names, seal=seal, opened=tmp_path)
        set_mark(engine.sources["todo.db"].path, "x" * 3_000_000)
        engine.run(who="alice")
        filler = mount / "filler"
        # The share fills up, to `room` bytes left.
        with open(filler, "wb") as handle, contextlib.suppress(OSError):
            handle.write(b"\0" * 2_000_000)
        with open(filler, "r+b") as handle:
            handle.truncate(max(0, filler.stat().st_size - room))
        with pytest.raises(OffsiteError) as caught:
            send(share, newest_local(engine), date(2026, 11, 27))
        assert "the share is full" in str(caught.value)
        assert "The local backup is complete" in str(caught.value)
        assert not share.day_path(date(2026, 11, 27)).exists()
        leftovers = [p.name for p in share.root.iterdir() if p.name.endswith(".partial")]
        assert leftovers == []  # no half-made day folder left behind


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.EIO, "Input/output error"), "it may be full, or its connection failed"),
        (OSError(errno.ENOSPC, "No space left on device"), "the share is full"),
        (OSError(errno.ENOTCONN, "Transport endpoint is not connected"), "cannot be reached"),
        (OSError(errno.ETIMEDOUT, "Connection timed out"), "cannot be reached"),
    ],
)
def test_share_errors_in_words_during_a_copy(tmp_path, engine, error, words):
    assert words in share_error(error)
    share = share_at(tmp_path / "nas", FailsAt("copy", error))
    share.ops.armed = True
    with pytest.raises(OffsiteError) as caught:
        back_up_and_send(engine, share)
    assert words in str(caught.value)


def test_a_share_lost_half_way_is_unreachable_not_incomplete_or_foreign(
    tmp_path, engine, monkeypatch
):
    share = share_at(tmp_path / "nas", names=("system.db", "todo.db"))
    back_up_and_send(engine, share, change=("todo.db", "system.db"))
    entries = Confined.entries

    def lost_below_the_root(self, folder):
        if Path(folder) != self.root:  # the listing of the root came, then the share went
            raise OSError(errno.ENOTCONN, "Transport endpoint is not connected")
        return entries(self, folder)

    monkeypatch.setattr(Confined, "entries", lost_below_the_root)
    with pytest.raises(OffsiteError) as caught:
        share.survey()
    assert "cannot be reached" in str(caught.value)
    with pytest.raises(OffsiteError) as caught:
        share.day(date(2026, 11, 27))
    message = str(caught.value)
    assert "cannot be reached" in message
    assert "incomplete" not in message and "There is no off-site copy" not in message


def test_test_on_the_page_and_the_command_line(app, people, tmp_path):
    folder = tmp_path / "nas"
    folder.mkdir()
    admin = elevated(app, "admin")
    page = submit(
        admin,
        "/settings/data-backup",
        "/settings/data-backup/offsite",
        data={"folder": str(folder), "test": "Test"},
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200, text
    assert "renamed to its final name, read back and deleted" in text
    runner = app.test_cli_runner()
    done = runner.invoke(args=["backup", "offsite", "test", str(folder)])
    assert done.exit_code == 0, done.output
    assert "works: a test file was written and flushed" in done.output
    (folder / "someone-elses.txt").write_text("not the portal's")
    refused = runner.invoke(args=["backup", "offsite", "test", str(folder)])
    assert refused.exit_code == 1 and "is not empty" in refused.output
