"""The instance: where a site's data lives, and what its services see of the running
portal. The first start creates its folder with a random secret key, the data folder and
the backup folder.

`Instance` is the one object create_app hands to the services (Data Backup, the nightly
jobs, the notices, the data files' health) instead of the Flask app: its folders, its
settings, its clock and its log, and nothing of the request or of Flask (issue 22: the
app passed down as a service locator let any service reach for anything)."""

from __future__ import annotations

import logging
import os
import secrets
import shlex
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.backup.fileops import make_private_dir
from portal.clock import Clock
from portal.setting_error import SettingError

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a key
# This instance's name for itself, written in the marker of its off-site folder (not a
# secret: it tells the portal's own off-site folder from another portal's).
PORTAL_ID_FILE = "portal_id"


@dataclass(frozen=True, eq=False)
class Instance:
    """A running portal as its services see it. `config` is the app's settings, read
    live: a test or a command that changes a setting after start is seen at once."""

    path: Path
    config: dict[str, Any]
    clock: Clock
    logger: logging.Logger

    @property
    def data_dir(self) -> Path:
        return Path(self.config["DATA_DIR"])

    @property
    def backup_dir(self) -> Path:
        return Path(self.config["BACKUP_DIR"])

    @property
    def busy_timeout_ms(self) -> int:
        return int(self.config["SQLITE_BUSY_TIMEOUT_MS"])

    def command(self, arguments: str) -> str:
        """The operator command `flask --app portal ARGUMENTS` for this very instance."""
        return flask_command(self.path, arguments)


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


def portal_id(instance: Instance) -> str:
    """This instance's id (made the first time it is asked for)."""
    return _load_or_create_secret(instance.path, PORTAL_ID_FILE, 16)


def set_portal_id(instance: Instance, ident: str) -> None:
    """Take on the id of the portal being rebuilt (from its recovery kit): its off-site
    folder and its sealed manifests name that id."""
    path = instance.path / PORTAL_ID_FILE
    temp = path.with_name(f".{PORTAL_ID_FILE}.{secrets.token_hex(4)}.partial")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(ident + "\n")
    os.replace(temp, path)


def locate(path: Path, config: dict[str, Any]) -> None:
    """Resolve DATA_DIR and BACKUP_DIR in `config` for the instance folder `path`, and read
    the secret key if there is one. Creates nothing: an operator command (and its --help)
    must not make an instance."""
    config["DATA_DIR"] = str(Path(config["DATA_DIR"] or path / "data").resolve())
    config["BACKUP_DIR"] = str(Path(config["BACKUP_DIR"] or path / "backup").resolve())
    check_path_lengths(path, config)
    if not config.get("SECRET_KEY") and (path / SECRET_KEY_FILE).is_file():
        config["SECRET_KEY"] = _read_secret(path / SECRET_KEY_FILE)


# SQLite opens no file whose full path, with "-journal", is longer than this (its
# SQLITE_MAX_PATHNAME): a data folder deeper than that leaves every data file "missing", and
# `init` cannot make one. The longest names the portal gives there, with SQLite's
# suffixes: 'bulletin.db-journal' in the data folder; a work copy's
# '.bulletin.db.1a2b3c4d.partial-journal' or a safety copy under pre-restore/ in the
# backup folder.
SQLITE_MAX_PATH = 512
LONGEST_IN = {"DATA_DIR": 20, "BACKUP_DIR": 60}


def check_path_lengths(path: Path, config: dict[str, Any]) -> None:
    """SettingError when a data file or a copy would have a path too long for SQLite."""
    for setting, longest in LONGEST_IN.items():
        folder = config[setting]
        if len(folder) + 1 + longest > SQLITE_MAX_PATH:
            raise SettingError(
                f"The folder {folder} ({setting}, from the instance path "
                f"{path}) is too deep: SQLite opens no file whose path is "
                f"longer than {SQLITE_MAX_PATH} characters, and this folder's name alone "
                f"is {len(folder)}. Choose a shorter PORTAL_INSTANCE_PATH (or {setting}), "
                f"at most {SQLITE_MAX_PATH - 1 - longest} characters."
            )


def exists(instance: Instance) -> bool:
    """Whether an instance was ever made here: its secret key or its data folder."""
    return (instance.path / SECRET_KEY_FILE).is_file() or instance.data_dir.is_dir()


# The shell the hints are written for: cmd.exe on Windows, a POSIX shell elsewhere.
WINDOWS = os.name == "nt"


def flask_command(instance_path: Path, arguments: str) -> str:
    """The operator command `flask --app portal ARGUMENTS` for the instance at
    `instance_path`, as typed in this system's shell: a hint that names no instance
    would act on whatever ./instance the reader's current folder has."""
    path = str(instance_path)
    command = f"flask --app portal {arguments}"
    if WINDOWS:  # cmd.exe, as an IIS administrator types it
        return f'set "PORTAL_INSTANCE_PATH={path}" && {command}'
    return f"PORTAL_INSTANCE_PATH={shlex.quote(path)} {command}"


def prepare(instance: Instance) -> None:
    """Create the instance's folders and secret key; resolve DATA_DIR and BACKUP_DIR."""
    make_private_dir(instance.path)
    locate(instance.path, instance.config)
    make_private_dir(instance.data_dir)
    try:
        make_private_dir(instance.backup_dir)
    except OSError as exc:
        # A backup folder that cannot be made (a file of that name, a missing drive)
        # must not keep the portal from serving: Data Backup reports it.
        instance.logger.warning("backup folder %s: %s", instance.backup_dir, exc)
    if not instance.config.get("SECRET_KEY"):
        instance.config["SECRET_KEY"] = _load_or_create_secret(instance.path)
