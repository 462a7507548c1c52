"""Issue 20, item 7: backup.txt. Only a missing one is rebuilt; one that is there but
cannot be read, or cannot be written, stops the run with `Error:` and changes nothing
(a rebuild would throw away every recorded SHA-256, after which verify says all good).
A UTF-8 byte order mark is read as nothing; a line longer than any record is a problem
shown cut short, never echoed whole.

The tests run as root, for whom file modes do not stop a read or a write: the refusal is
made at the seam where the portal reads the file, and at its access check."""

from __future__ import annotations

import errno
import hashlib

import pytest

from portal.backup import ledger as ledger_mod


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _tree(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_an_unreadable_backup_txt_stops_the_run_and_changes_nothing(
    runner, instance_path, monkeypatch
):
    assert runner.invoke(args=["backup", "run"]).exit_code == 0
    backup = instance_path / "backup"
    before = _tree(backup)
    real = ledger_mod.read_bytes

    def refused(path):
        if path.name == "backup.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(ledger_mod, "read_bytes", refused)
    result = runner.invoke(args=["backup", "run"])
    assert result.exit_code == 1
    assert result.output.startswith(
        f"Error: {backup / 'backup.txt'} cannot be read (Permission denied). Nothing was changed."
    )
    assert _tree(backup) == before  # no copy moved, the ledger as it was
    verified = runner.invoke(args=["backup", "verify"])
    assert verified.exit_code == 1 and "cannot be read" in verified.output
    assert "verified" not in verified.output.lower().split("error")[0]


def test_a_read_only_backup_txt_stops_the_run_and_changes_nothing(
    runner, instance_path, monkeypatch
):
    assert runner.invoke(args=["backup", "run"]).exit_code == 0
    backup = instance_path / "backup"
    before = _tree(backup)
    ledger = backup / "backup.txt"
    import portal.backup.engine as engine_mod

    real_access = engine_mod.os.access
    monkeypatch.setattr(
        engine_mod.os, "access", lambda p, mode: False if p == ledger else real_access(p, mode)
    )
    result = runner.invoke(args=["backup", "run"])
    assert result.exit_code == 1
    assert f"Error: {ledger} cannot be written" in result.output
    assert _tree(backup) == before


def test_a_byte_order_mark_is_read_as_nothing(runner, instance_path):
    assert runner.invoke(args=["backup", "run"]).exit_code == 0
    ledger = instance_path / "backup" / "backup.txt"
    ledger.write_bytes(b"\xef\xbb\xbf" + ledger.read_bytes())  # as Notepad saves it
    result = runner.invoke(args=["backup", "verify"])
    assert result.exit_code == 0, result.output
    assert "All 4 recorded copies were verified" in result.output
    assert "damaged" not in result.output


def test_a_huge_line_is_a_problem_shown_cut_short(runner, instance_path):
    assert runner.invoke(args=["backup", "run"]).exit_code == 0
    ledger = instance_path / "backup" / "backup.txt"
    with open(ledger, "a", encoding="utf-8") as handle:
        handle.write("todo.db\tnewest\t" + "x" * 10_000_000 + "\n")
    said = "line 17 is longer than any record can be (10000015 characters, starting 'todo.db"
    for command in (["backup", "list"], ["backup", "verify"], ["backup", "run"]):
        result = runner.invoke(args=command)
        assert len(result.output) < 20_000, (command, len(result.output))
        assert "x" * 100 not in result.output
        assert said in result.output, command


def test_bytes_that_are_not_utf8_damage_their_line_only(runner, instance_path):
    assert runner.invoke(args=["backup", "run"]).exit_code == 0
    ledger = instance_path / "backup" / "backup.txt"
    ledger.write_bytes(ledger.read_bytes() + b"todo.db\tnewest\t\xff\xfe\n")
    result = runner.invoke(args=["backup", "list"])
    assert result.exit_code == 0, result.output
    assert "is not UTF-8 text" in result.output
