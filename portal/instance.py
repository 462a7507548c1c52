"""The instance folder: where a site's data lives. The first start creates it with a
random secret key, the data folder and the backup folder."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from flask import Flask

from portal.backup.fileops import make_private_dir

SECRET_KEY_FILE = "secret_key"  # noqa: S105 - a file name, not a key


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


def _load_or_create_secret(instance: Path) -> str:
    path = instance / SECRET_KEY_FILE
    if path.exists():
        return _read_secret(path)
    key = secrets.token_hex(32)
    try:
        # O_EXCL: when two processes start at once, one writes and both read the same key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
    return key


def prepare(app: Flask) -> None:
    """Create the instance's folders and secret key; resolve DATA_DIR and BACKUP_DIR."""
    instance = Path(app.instance_path)
    make_private_dir(instance)
    app.config["DATA_DIR"] = str(Path(app.config["DATA_DIR"] or instance / "data").resolve())
    app.config["BACKUP_DIR"] = str(Path(app.config["BACKUP_DIR"] or instance / "backup").resolve())
    make_private_dir(Path(app.config["DATA_DIR"]))
    try:
        make_private_dir(Path(app.config["BACKUP_DIR"]))
    except OSError as exc:
        # A backup folder that cannot be made (a file of that name, a missing drive)
        # must not keep the portal from serving: Data Backup reports it.
        app.logger.warning("backup folder %s: %s", app.config["BACKUP_DIR"], exc)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _load_or_create_secret(instance)
