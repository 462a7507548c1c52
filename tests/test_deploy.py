"""The deployment files: the command IIS starts exists and takes the port IIS gives it;
the systemd unit starts the same command; PROXY_COUNT makes throttling see real clients."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

from portal.__main__ import parse_args
from tests.helpers import open_app
from tests.serving import ROOT, free_port

WEB_CONFIG = ROOT / "deploy" / "iis" / "web.config"
UNIT = ROOT / "deploy" / "linux" / "office-portal.service"


def http_platform():
    # Our own file, not untrusted input.
    return ET.parse(WEB_CONFIG).getroot().find("./system.webServer/httpPlatform")  # noqa: S314


def test_web_config_starts_python_m_portal_with_the_iis_port():
    platform = http_platform()
    assert platform.get("processPath").endswith("python.exe")
    args = platform.get("arguments").split()
    assert args[:2] == ["-m", "portal"]
    assert "%HTTP_PLATFORM_PORT%" in args
    parsed = parse_args([a.replace("%HTTP_PLATFORM_PORT%", "8123") for a in args[2:]])
    assert parsed.port == 8123 and parsed.host == "127.0.0.1"
    assert parsed.instance == Path("C:\\OfficePortal\\instance")
    assert platform.get("processesPerApplication") == "1"
    assert platform.get("requestTimeout") == "00:02:00"
    env = {e.get("name"): e.get("value") for e in platform.iter("environmentVariable")}
    assert env["PORTAL_PROXY_COUNT"] == "1"


def test_the_command_iis_starts_serves_on_the_given_port(tmp_path):
    """Start exactly the command in web.config (the instance moved to a temporary
    folder), with a port in place of %HTTP_PLATFORM_PORT%, and open a page."""
    port = free_port()
    args = [
        str(port) if arg == "%HTTP_PLATFORM_PORT%" else arg
        for arg in http_platform().get("arguments").split()
    ]
    args[args.index("--instance") + 1] = str(tmp_path / "instance")
    proc = subprocess.Popen(
        [sys.executable, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2)  # noqa: S310
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.1)
        assert "Log in" in page.read().decode()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_systemd_unit_starts_the_same_command():
    exec_start = re.search(r"^ExecStart=(.+)$", UNIT.read_text(), re.M).group(1)
    words = shlex.split(exec_start)
    assert words[0].endswith("/python") and words[1:3] == ["-m", "portal"]
    parsed = parse_args(words[3:])
    assert parsed.port == 8000 and parsed.instance == Path("/var/lib/office-portal")


def test_proxy_count_makes_throttling_see_real_clients(tmp_path):
    app = open_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "i"), "PROXY_COUNT": 1})
    seen = []

    @app.get("/_addr")
    def addr():
        from flask import request

        seen.append(request.remote_addr)
        return "ok"

    client = app.test_client()
    client.get("/_addr", headers={"X-Forwarded-For": "10.1.2.3"})
    assert seen == ["10.1.2.3"]
    plain = open_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "j")})
    assert plain.wsgi_app.__class__.__name__ != "ProxyFix"
