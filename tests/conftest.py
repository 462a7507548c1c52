"""Fixtures: every app is built on a temporary instance (never ./instance), with CSRF on
and a clock the test controls."""

from __future__ import annotations

import os
import shutil

import pytest
from werkzeug.security import generate_password_hash

from portal import create_app, passwords, startup
from portal.passwords import hash_password, set_password
from portal.users import add_user, ensure_admin
from portal.web import get_db
from tests import windows_semantics
from tests.helpers import ADMIN_PASSWORD, PASSWORD, FakeClock, login, utc

# PORTAL_WINDOWS_SEMANTICS=1: the whole run refuses, as Windows does, to rename or delete
# a file this process holds open (tests/windows_semantics.py; CI runs the engine's tests so).
windows_semantics.activate_from_environment()


@pytest.fixture(autouse=True)
def cheap_password_hash(request, monkeypatch):
    """scrypt is slow by design (about 100 ms a hash or a check here), and a test that
    builds an app, an office of people and logs in paid it five times or more. Tests hash
    with one round of PBKDF2 instead; the real hash is tested on its own (marked
    `real_password_hash`: tests/test_password_hash.py), and served portals (processes of
    their own) always use it."""
    passwords._dummy_hash.cache_clear()  # made under whichever hash the test uses
    if request.node.get_closest_marker("real_password_hash") is None:
        monkeypatch.setattr(
            passwords,
            "generate_password_hash",
            lambda password: generate_password_hash(password, method="pbkdf2:sha256:1"),
        )
    yield
    passwords._dummy_hash.cache_clear()


@pytest.fixture
def clock() -> FakeClock:
    # 27 Nov 2026, 09:00 in Berlin (UTC+1).
    return FakeClock(utc(2026, 11, 27, 8, 0, 0))


@pytest.fixture
def instance_path(tmp_path):
    return tmp_path / "instance"


@pytest.fixture
def app(instance_path, clock, monkeypatch):
    monkeypatch.delenv("PORTAL_INSTANCE_PATH", raising=False)
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance_path),
            "CLOCK": clock,
            "TIMEZONE": "Europe/Berlin",
        }
    )
    assert app.config["WTF_CSRF_ENABLED"] is not False
    startup.open_instance(app)  # as the entry points do (create_app touches no file)
    return app


@pytest.fixture
def people(app, clock):
    """An office of three: alice and bob in Sales, carol in Accounting; admin with a password."""
    with app.app_context():
        conn = get_db("system.db")
        digest = hash_password(PASSWORD)
        made = {
            "alice": add_user(conn, "alice", "Alice Brown", "Sales", digest, clock()),
            "bob": add_user(conn, "bob", "Bob Clark", "Sales", digest, clock()),
            "carol": add_user(conn, "carol", "Carol Diaz", "Accounting", digest, clock()),
        }
        admin = ensure_admin(conn, clock())
        set_password(conn, admin.id, hash_password(ADMIN_PASSWORD))
        made["admin"] = admin
    return made


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def alice(client, people):
    """A client logged in as alice."""
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302
    return client


@pytest.fixture
def bob(app, people):
    """A second browser, logged in as bob."""
    other = app.test_client()
    assert login(other, "bob", PASSWORD).status_code == 302
    return other


@pytest.fixture
def afternoon_member(people, clock):
    """A function giving a browser logged in as alice, a member of the Data Backup Group,
    with Schedule Data Backup on (12:00 to 18:00)."""
    from datetime import time

    from portal.reminder import store

    def browser(app):
        with app.app_context():
            conn = get_db("system.db")
            store.save_settings(conn, store.ReminderSettings(True, time(12), time(18)))
            store.add_members(conn, [people["alice"].id], clock())
        client = app.test_client()
        assert login(client, "alice", PASSWORD).status_code == 302
        return client

    return browser


# -- nothing the tests start may outlive them -------------------------------------------


def _served_portals(within: str) -> set[int]:
    """Processes running `python -m portal` (or a faketime wrapper around one) on an
    instance under `within`, this session's temporary folder (Linux's /proc)."""
    from pathlib import Path

    found, marker = set(), within.encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        served = any(a == b"-m" and b == b"portal" for a, b in zip(args, args[1:], strict=False))
        if served and any(marker in a for a in args):
            found.add(int(cmdline.parent.name))
    return found


def pytest_xdist_auto_num_workers(config):
    """What `-n auto` (pyproject.toml) means here: two workers a core, at most 8. A test
    mostly waits, on a served portal, on Chromium, on a child process or a faked clock:
    with one worker a core the CPU was idle a third of the run (205 s user and 36 s system
    of 2 x 177 s). Measured on 2 cores: 166 to 174 s with two workers, 148 to 166 s with
    four, 164 s with six (docs/performance.md)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cores or 1), 8)


def pytest_sessionstart(session):
    """Compile the portal's modules once, before any test starts a portal of its own.
    Hundreds of tests run it in a child process (python -m portal, the flask commands,
    the killed backups), and where PYTHONDONTWRITEBYTECODE is set (as on this project's CI
    machines) no child writes the bytecode it compiled: each compiled the whole package
    again, about 0.2 s a child (docs/performance.md). The bytecode goes where Python looks
    for it (portal/__pycache__/, ignored by git); a source changed later is compiled
    again by its child as usual."""
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controller has done it
    import compileall
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    compileall.compile_dir(root / "portal", quiet=1)
    compileall.compile_file(root / "wsgi.py", quiet=1)


def pytest_sessionfinish(session, exitstatus):
    """Fail the session if a test left a served portal running (and stop it)."""
    import contextlib
    import os
    import signal

    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None or factory._basetemp is None:
        return  # no test made a temporary folder, so none served a portal
    left = _served_portals(str(factory.getbasetemp()))
    if not left:
        return
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    print(f"\nERROR: the tests left {len(left)} served portal process(es) running: {sorted(left)}")
    session.exitstatus = 1


@pytest.fixture
def needs_faketime():
    """For tests that move the portal's clock across days with libfaketime: skipped where
    it is missing, except under CI, which installs it, so they never pass by not running."""
    if shutil.which("faketime") is None:
        message = "faketime not found (apt-get install faketime)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def windows():
    """Windows file semantics for one test (tests/windows_semantics.py), unless the whole
    run has them already (PORTAL_WINDOWS_SEMANTICS=1)."""
    was = windows_semantics.active()
    windows_semantics.activate()
    yield
    if not was:
        windows_semantics.deactivate()
