"""Issue 20, item 10: a setting of the wrong type ends in one line `Error: ...` naming
the setting and what it takes, status 1, for the commands and for `python -m portal`,
never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.serving import ROOT

CASES = [
    ("PORTAL_FILE_HELD_SECONDS", "abc", "FILE_HELD_SECONDS", "a number"),
    ("PORTAL_MAIL_USE_TLS", '"yes"', "MAIL_USE_TLS", "true or false"),
    ("PORTAL_OFFSITE_KEEP_DAILY", "[7]", "OFFSITE_KEEP_DAILY", "a number"),
    ("PORTAL_WORKING_WEEKDAYS", "monday", "WORKING_WEEKDAYS", "a list"),
    ("PORTAL_TIMEZONE", "Nowhere/City", "TIMEZONE", "not a known time zone"),
]


def _run(args, env_name, value, tmp_path):
    env = {**os.environ, env_name: value, "PORTAL_INSTANCE_PATH": str(tmp_path / "office")}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(("variable", "value", "setting", "takes"), CASES)
def test_a_setting_of_the_wrong_type_is_one_line_error(tmp_path, variable, value, setting, takes):
    for args in (
        ["-m", "flask", "--app", "portal", "backup", "list"],
        ["-m", "flask", "--app", "portal", "init"],
        ["-m", "portal", "--port", "1"],
    ):
        done = _run(args, variable, value, tmp_path)
        assert done.returncode == 1, (args, done.stdout, done.stderr)
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error: "), (args, done.stderr)
        assert setting in lines[0] and takes in lines[0], lines[0]
        assert "Traceback" not in done.stdout + done.stderr
    assert not (tmp_path / "office").exists()  # nothing was made
