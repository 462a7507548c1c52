"""The instance folder: where a site's data lives. The first start creates it with a
random secret key, the data folder and the backup folder."""

from __future__ import annotations

import os
import secrets
import shlex
import time
from pathlib import Path

from flask import Flask

from portal.backup.fileops import make_private_dir
from portal.setting_error import SettingError

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a key
# This instance's name for itself, written in the marker of its off-site folder (not a
# secret: it tells the portal's own off-site folder from another portal's).
PORTAL_ID_FILE = "portal_id"


def resolve_instance_path(test_config: dict | None) -> Path:
    """test_config's INSTANCE_PATH, else $PORTAL_INSTANCE_PATH, else ./instance."""
    chosen = (test_config or {}).get("INSTANCE_PATH") or os.environ.get("PORTAL_INSTANCE_PATH")
    return Path(chosen or "instance").resolve()


def _read_secret(path: Path) -> str:
    # Another process may have created the file a moment ago and not written it yet.
    for _ in range(50):
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty; delete it to have a new key made")


def _load_or_create_secret(instance: Path, file: str = SECRET_KEY_FILE, size: int = 32) -> str:
    path = instance / file
    if path.exists():
        return _read_secret(path)
    key = secrets.token_hex(size)
    try:
        # O_EXCL: when two processes start at once, one writes and both read the same key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def portal_id(app: Flask) -> str:
    """This instance's id (made the first time it is asked for)."""
    return _load_or_create_secret(Path(app.instance_path), PORTAL_ID_FILE, 16)


def set_portal_id(app: Flask, ident: str) -> None:
    """Take on the id of the portal being rebuilt (from its recovery kit): its off-site
    folder and its sealed manifests name that id."""
    path = Path(app.instance_path) / PORTAL_ID_FILE
    temp = path.with_name(f".{PORTAL_ID_FILE}.{secrets.token_hex(4)}.partial")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(ident + "\n")
    os.replace(temp, path)


def locate(app: Flask) -> None:
    """Resolve DATA_DIR and BACKUP_DIR, and read the secret key if there is one. Creates
    nothing: an operator command (and its --help) must not make an instance."""
    instance = Path(app.instance_path)
    app.config["DATA_DIR"] = str(Path(app.config["DATA_DIR"] or instance / "data").resolve())
    app.config["BACKUP_DIR"] = str(Path(app.config["BACKUP_DIR"] or instance / "backup").resolve())
    check_path_lengths(app)
    if not app.config.get("SECRET_KEY") and (instance / SECRET_KEY_FILE).is_file():
        app.config["SECRET_KEY"] = _read_secret(instance / SECRET_KEY_FILE)


# SQLite opens no file whose full path, with "-journal", is longer than this (its
# SQLITE_MAX_PATHNAME): a data folder deeper than that leaves every data file "missing", and
# `init` cannot make one. The longest names the portal gives there, with SQLite's
# suffixes: 'bulletin.db-journal' in the data folder; a work copy's
# '.bulletin.db.1a2b3c4d.partial-journal' or a safety copy under pre-restore/ in the
# backup folder.
SQLITE_MAX_PATH = 512
LONGEST_IN = {"DATA_DIR": 20, "BACKUP_DIR": 60}


def check_path_lengths(app: Flask) -> None:
    """SettingError when a data file or a copy would have a path too long for SQLite."""
    for setting, longest in LONGEST_IN.items():
        folder = app.config[setting]
        if len(folder) + 1 + longest > SQLITE_MAX_PATH:
            raise SettingError(
                f"The folder {folder} ({setting}, from the instance path "
                f"{app.instance_path}) is too deep: SQLite opens no file whose path is "
                f"longer than {SQLITE_MAX_PATH} characters, and this folder's name alone "
                f"is {len(folder)}. Choose a shorter PORTAL_INSTANCE_PATH (or {setting}), "
                f"at most {SQLITE_MAX_PATH - 1 - longest} characters."
            )


def exists(app: Flask) -> bool:
    """Whether an instance was ever made here: its secret key or its data folder."""
    instance = Path(app.instance_path)
    return (instance / SECRET_KEY_FILE).is_file() or Path(app.config["DATA_DIR"]).is_dir()


# The shell the hints are written for: cmd.exe on Windows, a POSIX shell elsewhere.
WINDOWS = os.name == "nt"


def flask_command(app: Flask, arguments: str) -> str:
    """The operator command `flask --app portal ARGUMENTS` for this very instance, as
    typed in this system's shell: a hint that names no instance would act on whatever
    ./instance the reader's current folder has."""
    path = str(Path(app.instance_path))
    command = f"flask --app portal {arguments}"
    if WINDOWS:  # cmd.exe, as an IIS administrator types it
        return f'set "PORTAL_INSTANCE_PATH={path}" && {command}'
    return f"PORTAL_INSTANCE_PATH={shlex.quote(path)} {command}"


def prepare(app: Flask) -> None:
    """Create the instance's folders and secret key; resolve DATA_DIR and BACKUP_DIR."""
    instance = Path(app.instance_path)
    make_private_dir(instance)
    locate(app)
    make_private_dir(Path(app.config["DATA_DIR"]))
    try:
        make_private_dir(Path(app.config["BACKUP_DIR"]))
    except OSError as exc:
        # A backup folder that cannot be made (a file of that name, a missing drive)
        # must not keep the portal from serving: Data Backup reports it.
        app.logger.warning("backup folder %s: %s", app.config["BACKUP_DIR"], exc)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _load_or_create_secret(instance)
