"""`python -m portal`: serves with waitress; the admin password is made and shown once."""

import re
import subprocess
import sys
import urllib.request

from tests.serving import ROOT, serve

PASSWORD_LINE = re.compile(r"admin password .*\(login: admin\): (\S+)")


def test_help():
    result = subprocess.run(
        [sys.executable, "-m", "portal", "--help"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0
    for option in ("--host", "--port", "--instance", "--demo"):
        assert option in result.stdout


def test_first_start_makes_an_admin_password_once(tmp_path):
    instance = tmp_path / "site"
    with serve(instance) as (url, output):
        first = output()
        password = PASSWORD_LINE.search(first).group(1)
        assert "flask --app portal set-admin-password" in first
        page = urllib.request.urlopen(url + "/login").read().decode()  # noqa: S310
        assert "Log in" in page
    with serve(instance) as (url, output):
        assert not PASSWORD_LINE.search(output())
    assert len(password) >= 12


def test_demo_flag_loads_the_demo_and_serves(tmp_path):
    with serve(tmp_path / "demo", "--demo") as (url, output):
        text = output()
        assert "Every demo user's password is: office-demo" in text
        assert "alice" in text
        assert f"Serving Office Portal at http://127.0.0.1:{url.rsplit(':', 1)[1]}/" in text


def test_a_busy_port_is_an_error_not_a_traceback(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "portal", "--instance", str(tmp_path / "site")]
            + ["--port", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    said = result.stdout + result.stderr
    assert "Traceback" not in said and "Serving" not in said
    assert said.lstrip().startswith(f"Error: port {port} on 127.0.0.1 is already in use")
