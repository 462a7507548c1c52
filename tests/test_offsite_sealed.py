"""Issue 21 items 1-3: off-site copies sealed. Someone who can read the share learns
nothing of the data; someone who can write to it cannot make the portal list, verify as
good or restore anything the portal did not make (forged, altered, swapped, re-ordered),
even knowing the key's public half; days from before sealing stay restorable, marked
"not sealed", and only those the portal knew of when it made its key."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
from datetime import date, timedelta

import pyrage
import pytest

from portal import data_backup
from portal.data_backup import offsite_folder, offsite_keys
from portal.offsite import send as send_day
from portal.offsite.seal import Key, Seal
from portal.web import data_backup_of, instance_of
from tests.backup_helpers import mark_of, set_mark, set_mark_table
from tests.offsite_helpers import use_share

SECRET = "the merger with Kagawa Trading, signed 2026-11-20"


@pytest.fixture
def share(app, tmp_path):
    return use_share(app, tmp_path / "nas")


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _back_up(app, clock=None, days: int = 0):
    if clock is not None and days:
        clock.advance(days=days)
    with app.app_context():
        return data_backup_of(app).run_backup(None, "alice")


def _todo_with_secret(instance_path, mark: str = SECRET):
    todo = instance_path / "data" / "todo.db"
    set_mark_table(todo)
    set_mark(todo, mark)
    return todo


def _restore(runner, day: str):
    return runner.invoke(args=["backup", "restore", "todo.db", "--offsite", day, "--yes"])


def _public_key(app) -> pyrage.x25519.Recipient:
    """The worst case: the attacker knows the key's public half (it is never written
    anywhere, but age's security must not rest on that)."""
    with app.app_context():
        return offsite_keys.load(instance_of(app)).current.identity.to_public()


def test_nothing_on_the_share_is_readable_and_no_copy_opens_with_sqlite3(app, share, instance_path):
    _todo_with_secret(instance_path)
    _back_up(app)
    files = [p for p in share.rglob("*") if p.is_file()]
    copies = [p for p in files if p.suffix == ".age"]
    assert sorted(p.name for p in copies) == [
        "bulletin.db.age",
        "manifest.age",
        "schedule.db.age",
        "system.db.age",
        "todo.db.age",
    ]
    for path in files:
        data = path.read_bytes()
        assert SECRET.encode() not in data and b"SQLite format 3" not in data, path
        assert b"pbkdf2" not in data and b"scrypt:" not in data  # no password hash
        assert b"todo.db" not in data or path.suffix != ".age"  # the manifest too
    for copy in copies:
        opened = subprocess.run(
            ["sqlite3", str(copy), "SELECT count(*) FROM sqlite_master"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert opened.returncode != 0, copy
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    keys = instance_path / offsite_keys.KEYS_FILE
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    secret = keys.read_text().split("AGE-SECRET-KEY-")[1][:20]
    assert not any(secret.encode() in p.read_bytes() for p in files)  # never on the share


def test_the_key_is_made_when_the_folder_is_first_saved(app, tmp_path, instance_path):
    keys = instance_path / offsite_keys.KEYS_FILE
    assert not keys.exists()
    (tmp_path / "nas").mkdir()
    with app.app_context():
        offsite_folder.use_dir(str(tmp_path / "nas"), instance_of(app))
        first = offsite_keys.load(instance_of(app)).current
        offsite_folder.use_dir(str(tmp_path / "nas"), instance_of(app))  # saved again: the same key
        assert offsite_keys.load(instance_of(app)).keys == (first,)


def test_a_sealed_day_restores_and_verifies(app, share, runner, instance_path, clock):
    todo = _todo_with_secret(instance_path, "as it was on the 27th")
    _back_up(app)
    set_mark(todo, "a bad bulk change")
    _back_up(app, clock, days=1)
    checked = runner.invoke(args=["backup", "offsite", "verify"])
    assert checked.exit_code == 0, checked.output
    assert "2 complete days verified" in checked.output
    listing = runner.invoke(args=["backup", "offsite", "list"])
    assert "2026-11-27  complete    todo.db" in listing.output, listing.output
    done = _restore(runner, "2026-11-27")
    assert done.exit_code == 0, done.output
    assert mark_of(todo) == "as it was on the 27th"
    # No opened copy left, wherever it was opened.
    assert not [p for p in (instance_path / "backup").rglob(".offsite-opened.*")]


def test_a_backup_during_an_off_site_verify_never_removes_the_copy_being_checked(
    app, share, runner, instance_path, monkeypatch
):
    """A sealed copy is checked in a local work file beside the backups. A backup run (a
    member's click) during an off-site verify once took that file for a leftover of its
    own and removed it; the verify then called good copies damaged (and remembered them
    as such, never to be reused, and mailed the damage)."""
    from portal.offsite.shareops import ShareOps

    _back_up(app)
    check = ShareOps.check
    with app.app_context():
        layout = data_backup_of(app).engine().layout

    def backup_meanwhile(self, path, thorough=False):
        # What a backup run starting now does first (the verify runs in a child
        # process, where a whole run cannot be started: SQLite's locks do not fork).
        for leftover in layout.leftovers():
            leftover.unlink()
        return check(self, path, thorough)

    monkeypatch.setattr(ShareOps, "check", backup_meanwhile)
    checked = runner.invoke(args=["backup", "offsite", "verify"])
    assert checked.exit_code == 0, checked.output
    assert not [p for p in (instance_path / "backup").rglob(".offsite-opened.*")]


def test_an_opened_copy_a_killed_process_left_is_removed_a_day_later(tmp_path):
    from portal.offsite import opened

    folder = tmp_path / "offsite-opened"
    folder.mkdir()
    old, new = folder / ".offsite-opened.aaaa.partial", folder / ".offsite-opened.bbbb.partial"
    other = folder / "someone's notes.txt"
    for path in (old, new, other):
        path.write_text("x")
    now = old.stat().st_mtime
    os.utime(old, (now - opened.ABANDONED_SECONDS - 1,) * 2)
    os.utime(other, (now - 10 * opened.ABANDONED_SECONDS,) * 2)
    assert opened.tidy_abandoned(folder, now) == [old.name]
    assert sorted(p.name for p in folder.iterdir()) == sorted([new.name, other.name])


def _forge_day(share, day: str, manifest: bytes, copy: bytes | None = None):
    """A day folder written by an attacker beside the portal's: the portal's own day
    marker copied, a manifest and a copy of their making."""
    forged = share / day
    forged.mkdir()
    shutil.copy(share / "2026-11-27" / ".office-portal-day", forged / ".office-portal-day")
    (forged / "manifest.age").write_bytes(manifest)
    if copy is not None:
        (forged / "todo.db.age").write_bytes(copy)
    return forged


def test_a_forged_day_is_named_and_refused_even_sealed_to_the_portals_public_key(
    app, share, runner, instance_path
):
    _todo_with_secret(instance_path, "the real data")
    _back_up(app)
    recipient = _public_key(app)
    # The attacker writes the portal's manifest format, sealed to its public key, with a
    # seal line of their own making (they do not have the secret key).
    real_text = (share / "2026-11-27" / "manifest.age").read_bytes()
    assert real_text  # (unreadable to them)
    text = (
        "# manifest.txt: the Office Portal's off-site copy of 2026-11-28.\n"
        "# manifest: 1\n# key: 000000000000\n# seal: " + "0" * 64 + "\n"
    )
    evil_db = b"SQLite format 3\x00" + b"\x00" * 4080
    _forge_day(
        share,
        "2026-11-28",
        pyrage.encrypt(text.encode(), [recipient]),
        pyrage.encrypt(evil_db, [recipient]),
    )
    listing = runner.invoke(args=["backup", "offsite", "list"])
    assert "2026-11-28  REFUSED (forged or altered:" in listing.output, listing.output
    checked = runner.invoke(args=["backup", "offsite", "verify"])
    assert checked.exit_code == 1 and "2026-11-28: forged or altered" in checked.output
    refused = _restore(runner, "2026-11-28")
    assert refused.exit_code == 1 and "forged or altered" in refused.output
    assert mark_of(instance_path / "data" / "todo.db") == "the real data"


def test_the_issues_takeover_an_unsealed_day_written_on_the_share_is_refused(
    app, share, runner, instance_path, clock
):
    """The attack of the issue: a day in the old plain format, with a system.db whose
    admin password hash was swapped and its SHA-256 in a manifest line."""
    _back_up(app)
    with app.app_context():
        plain = offsite_folder.folder_at(str(share), instance_of(app))
        plain.seal = None  # as the portal wrote days before this change
        engine = data_backup_of(app).engine()
        from portal.data_backup.offsite import newest_local

        send_day(plain, newest_local(engine), date(2026, 11, 28))
    listing = runner.invoke(args=["backup", "offsite", "list"])
    assert "2026-11-28  REFUSED (forged: manifest.txt is not sealed" in listing.output
    refused = _restore(runner, "2026-11-28")
    assert refused.exit_code == 1 and "forged" in refused.output


def test_a_copy_replaced_by_another_sealed_to_the_public_key_is_refused(
    app, share, runner, instance_path, clock
):
    todo = _todo_with_secret(instance_path, "older")
    _back_up(app)
    set_mark(todo, "newer")
    _back_up(app, clock, days=1)
    # The attacker cannot read the copies, but puts a file of their own in place.
    other = instance_path / "data" / "todo.db"
    sealed = pyrage.encrypt(other.read_bytes(), [_public_key(app)])
    (share / "2026-11-28" / "todo.db.age").write_bytes(sealed)
    checked = runner.invoke(args=["backup", "offsite", "verify"])
    assert "2026-11-28 todo.db: differs from the SHA-256 in its sealed manifest" in checked.output
    refused = _restore(runner, "2026-11-28")
    assert refused.exit_code == 1
    assert "does not match the SHA-256 recorded in the manifest of 2026-11-28" in refused.output


@pytest.mark.parametrize("how", ["swapped", "re-ordered"])
def test_a_swapped_or_reordered_manifest_is_named_and_refused(
    app, share, runner, instance_path, clock, how
):
    todo = _todo_with_secret(instance_path, "the 27th")
    _back_up(app)
    set_mark(todo, "the 28th")
    _back_up(app, clock, days=1)
    older, newer = share / "2026-11-27", share / "2026-11-28"
    if how == "swapped":  # the 27th's manifest put in the 28th's place
        shutil.copy(older / "manifest.age", newer / "manifest.age")
    else:  # the day's first manifest replayed as a later one (a rollback within a day)
        shutil.copy(newer / "manifest.age", newer / "manifest-2.age")
    listing = runner.invoke(args=["backup", "offsite", "list"])
    assert "2026-11-28  REFUSED (moved:" in listing.output, listing.output
    refused = _restore(runner, "2026-11-28")
    assert refused.exit_code == 1 and "moved" in refused.output


def test_days_from_before_sealing_stay_restorable_marked_not_sealed(
    app, tmp_path, runner, instance_path, clock
):
    root = tmp_path / "nas"
    root.mkdir()
    todo = _todo_with_secret(instance_path, "from before sealing")
    with app.app_context():
        old = offsite_folder.folder_at(str(root), instance_of(app))
        old.claim()  # a folder saved by the portal before copies were sealed
        engine = data_backup_of(app).engine()
        engine.run(who="alice")
        from portal.data_backup.offsite import newest_local

        send_day(old, newest_local(engine), date(2026, 11, 27))
    app.config["OFFSITE_DIR"] = str(root)
    assert offsite_keys.load(instance_of(app)) is None
    set_mark(todo, "after the update")
    _back_up(app, clock, days=1)  # the first sealed copy: the key is made now
    assert offsite_keys.load(instance_of(app)) is not None
    listing = runner.invoke(args=["backup", "offsite", "list"])
    assert "2026-11-27  not sealed  todo.db" in listing.output, listing.output
    assert "2026-11-28  complete    todo.db" in listing.output
    assert sorted(p.name for p in (root / "2026-11-28").iterdir() if p.suffix == ".age")
    assert runner.invoke(args=["backup", "offsite", "verify"]).exit_code == 0
    done = _restore(runner, "2026-11-27")
    assert done.exit_code == 0, done.output
    assert mark_of(todo) == "from before sealing"
    # An unsealed manifest changed after the key was made is no longer the portal's.
    manifest = root / "2026-11-27" / "manifest.txt"
    manifest.write_text(manifest.read_text() + "# a line added on the share\n")
    listing = runner.invoke(args=["backup", "offsite", "list"])
    assert "2026-11-27  REFUSED (forged: manifest.txt is not sealed" in listing.output


def test_seal_rules_hold_for_any_key_and_any_change(tmp_path):
    """The rule under the examples: a manifest opens only with the key that sealed it,
    and any change to its bytes, whatever the byte, is refused."""
    today = date(2026, 12, 6)
    mine, theirs = Seal([Key.make(today)]), Seal([Key.make(today)])
    text = "# manifest.txt: the Office Portal's off-site copy of 2026-12-06.\nline\n"
    sealed = mine.seal_text(text)
    assert mine.open_text(sealed).startswith(text)
    with pytest.raises(Exception, match="does not open"):
        theirs.open_text(sealed)
    for at in range(0, len(sealed), max(1, len(sealed) // 40)):
        changed = bytearray(sealed)
        changed[at] ^= 0x01
        with pytest.raises(Exception, match="does not open|not this portal's"):
            mine.open_text(bytes(changed))
    rotated = Seal([*mine.keys, Key.make(today + timedelta(days=1))])
    assert rotated.open_text(sealed).startswith(text)  # an older key still opens its days


def test_an_old_sqlite_copy_cannot_be_passed_off_in_a_sealed_day(app, share, instance_path):
    """A sealed manifest never points to an unsealed copy: a plain file put where a
    sealed one was is not read as a database."""
    _back_up(app)
    day = share / "2026-11-27"
    shutil.copy(instance_path / "data" / "todo.db", day / "todo.db")
    (day / "todo.db.age").unlink()
    with app.app_context():
        report = data_backup.offsite.verify(instance_of(app))
    assert not report.ok
    assert any("todo.db: missing" in p for p in report.problems), report.problems
    conn = sqlite3.connect(day / "todo.db")
    conn.close()
