"""The app factory: settings in layers and nothing else; the entry points open the
instance (portal.startup.open_instance), which makes it on the first start."""

import os
import sqlite3
import stat

import pytest

from portal import create_app, startup
from portal.datafiles import DATA_FILES
from portal.setting_error import SettingError
from portal.web import instance_of


def make(instance_path, **overrides):
    """The app as an entry point has it: built, then its instance opened."""
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(instance_path), **overrides})
    startup.open_instance(app)
    return app


def _every_path(root):
    return sorted(p.relative_to(root) for p in root.rglob("*"))


def test_the_factory_builds_and_configures_and_touches_no_file(tmp_path, monkeypatch):
    """flaskr's and cookiecutter-flask's rule: create_app does no I/O of its own. Building
    an app (for a test, a command's --help, a WSGI server's import) neither makes an
    instance, nor upgrades one, nor writes a password."""
    monkeypatch.delenv("PORTAL_INSTANCE_PATH", raising=False)
    create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "new")})
    assert not (tmp_path / "new").exists()

    opened = make(tmp_path / "old")  # an instance that exists: its files stay as they are
    before = {p: (tmp_path / "old" / p).stat().st_mtime_ns for p in _every_path(tmp_path / "old")}
    again = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path / "old")})
    after = {p: (tmp_path / "old" / p).stat().st_mtime_ns for p in _every_path(tmp_path / "old")}
    assert after == before
    # It still knows where the instance is and its secret key (read, as config.py is).
    assert again.config["SECRET_KEY"] == opened.config["SECRET_KEY"]
    assert again.config["DATA_DIR"] == opened.config["DATA_DIR"]


def test_defaults_apply(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_INSTANCE_PATH", raising=False)
    app = make(tmp_path / "i")
    assert app.config["PORTAL_NAME"] == "Office Portal"
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_settings_layers_in_order(tmp_path, monkeypatch):
    instance = tmp_path / "i"
    instance.mkdir()
    (instance / "config.py").write_text(
        'PORTAL_NAME = "From config.py"\nLOGIN_MAX_FAILURES = 9\nTIMEZONE = "Asia/Tokyo"\n'
    )
    monkeypatch.setenv("PORTAL_LOGIN_MAX_FAILURES", "7")
    monkeypatch.setenv("PORTAL_SESSION_COOKIE_SECURE", "true")
    app = make(instance, TIMEZONE="Europe/Paris")
    assert app.config["PORTAL_NAME"] == "From config.py"  # config.py over defaults
    assert app.config["LOGIN_MAX_FAILURES"] == 7  # environment over config.py
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["TIMEZONE"] == "Europe/Paris"  # test overrides over everything


def test_instance_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "from-env"))
    app = create_app({"TESTING": True})
    startup.open_instance(app)
    assert app.instance_path == str(tmp_path / "from-env")
    assert (tmp_path / "from-env" / "data" / "system.db").exists()


def test_default_instance_is_dot_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_INSTANCE_PATH", raising=False)
    monkeypatch.chdir(tmp_path)
    app = create_app({"TESTING": True})
    assert app.instance_path == str(tmp_path / "instance")


def test_first_start_creates_the_instance(tmp_path):
    instance = tmp_path / "new"
    app = make(instance)
    key_file = instance / "secret_key"
    key = key_file.read_text().strip()
    assert len(key) == 64 and int(key, 16)
    assert app.config["SECRET_KEY"] == key
    assert (instance / "backup").is_dir()
    for spec in DATA_FILES:
        path = instance / "data" / spec.name
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(spec.migrations)
        conn.close()
    if os.name == "posix":
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert stat.S_IMODE((instance / "data").stat().st_mode) == 0o700


def test_secret_key_is_kept_and_random(tmp_path):
    first = make(tmp_path / "a").config["SECRET_KEY"]
    assert make(tmp_path / "a").config["SECRET_KEY"] == first
    assert make(tmp_path / "b").config["SECRET_KEY"] != first


def test_unknown_time_zone_is_a_clear_error(tmp_path):
    with pytest.raises(SettingError, match="not a known time zone"):
        make(tmp_path / "i", TIMEZONE="Mars/Olympus")


def test_server_zone_is_the_default(tmp_path, monkeypatch):
    import tzlocal

    monkeypatch.delenv("PORTAL_TIMEZONE", raising=False)
    app = make(tmp_path / "i")
    assert str(instance_of(app).clock.zone) == str(tzlocal.get_localzone())
    chosen = make(tmp_path / "j", TIMEZONE="Asia/Tokyo")
    assert str(instance_of(chosen).clock.zone) == "Asia/Tokyo"


def test_data_dir_and_backup_dir_are_settings(tmp_path):
    app = make(tmp_path / "i", DATA_DIR=str(tmp_path / "d"), BACKUP_DIR=str(tmp_path / "b"))
    assert (tmp_path / "d" / "todo.db").exists()
    assert (tmp_path / "b").is_dir()
    assert app.config["BACKUP_DIR"] == str(tmp_path / "b")
