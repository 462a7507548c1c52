"""Windows file semantics on Linux, for the tests (issue 14). Windows refuses to rename,
replace or delete a file while any handle to it is open, our own included; Linux allows
it, so a path that renames a copy while a connection to it (or a `with open(...)`) is
still open would pass every test here and fail on the customer's server.

`activate()` makes this process behave like Windows for the files it opens: every file
opened with open() (shutil's copies included) and every SQLite connection is remembered
(weakly) with its path; os.replace, os.rename, os.unlink and os.remove then refuse, with
the PermissionError Windows gives (winerror 32), a file this process still holds open (a
database's -wal, -shm and -journal files count as the database). The suite runs in this
mode when PORTAL_WINDOWS_SEMANTICS=1 (tests/conftest.py; the kill tests' children too)."""

from __future__ import annotations

import builtins
import io
import os
import sqlite3
import threading
import weakref
from pathlib import Path
from urllib.parse import unquote, urlparse

ENV = "PORTAL_WINDOWS_SEMANTICS"
_lock = threading.Lock()
_held: list[tuple[weakref.ref, str, str]] = []  # (handle, path, "file" or "sqlite")
_real: dict[str, object] = {}


def _key(path) -> str | None:
    try:
        text = os.fspath(path)
    except TypeError:
        return None  # a file descriptor
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    return os.path.realpath(text)


def _database_path(database) -> str | None:
    text = os.fspath(database) if not isinstance(database, str) else database
    if text == ":memory:" or text == "":
        return None
    if text.startswith("file:"):
        parsed = urlparse(text)
        if "mode=memory" in (parsed.query or ""):
            return None
        text = unquote(parsed.path)
    return _key(text)


def _is_open(handle, kind: str) -> bool:
    if kind == "file":
        return not handle.closed
    try:
        handle.in_transaction  # noqa: B018 - raises on a closed connection
    except sqlite3.ProgrammingError:
        return False
    return True


def holders(path) -> list[str]:
    """What this process holds open on `path` (or, for a database, on its side files)."""
    key = _key(path)
    if key is None:
        return []
    names = {key}
    for side in ("-wal", "-shm", "-journal"):
        if key.endswith(side):
            names.add(key[: -len(side)])
    found = []
    with _lock:
        alive = []
        for ref, held, kind in _held:
            handle = ref()
            if handle is None or not _is_open(handle, kind):
                continue
            alive.append((ref, held, kind))
            if held in names:
                found.append(f"{kind} {held}")
        _held[:] = alive
    return found


def _refuse(path) -> None:
    if found := holders(path):
        error = PermissionError(
            13,
            "The process cannot access the file because it is being used by another process "
            f"(Windows semantics: held by this process's {', '.join(found)})",
            os.fspath(path),
        )
        error.winerror = 32
        raise error


def _remember(handle, path: str | None, kind: str):
    if path is not None:
        with _lock:
            _held.append((weakref.ref(handle), path, kind))
    return handle


def _open(file, *args, **kwargs):
    handle = _real["open"](file, *args, **kwargs)
    return _remember(handle, _key(file), "file")


class _Connection(sqlite3.Connection):
    """A connection like any other, that can be remembered weakly (the C type cannot)."""


def _connect(database, *args, **kwargs):
    kwargs.setdefault("factory", _Connection)
    conn = _real["connect"](database, *args, **kwargs)
    return _remember(conn, _database_path(database), "sqlite")


def _replace(src, dst, **kwargs):
    _refuse(src)
    _refuse(dst)
    return _real["replace"](src, dst, **kwargs)


def _rename(src, dst, **kwargs):
    _refuse(src)
    _refuse(dst)
    return _real["rename"](src, dst, **kwargs)


def _unlink(path, **kwargs):
    _refuse(path)
    return _real["unlink"](path, **kwargs)


def activate() -> None:
    """Behave like Windows from now on in this process (idempotent)."""
    if _real:
        return
    _real.update(
        open=builtins.open,
        connect=sqlite3.connect,
        replace=os.replace,
        rename=os.rename,
        unlink=os.unlink,
    )
    builtins.open = io.open = _open
    sqlite3.connect = _connect
    os.replace, os.rename = _replace, _rename
    os.unlink = os.remove = _unlink


def deactivate() -> None:
    if not _real:
        return
    builtins.open = io.open = _real["open"]
    sqlite3.connect = _real["connect"]
    os.replace, os.rename = _real["replace"], _real["rename"]
    os.unlink = os.remove = _real["unlink"]
    _real.clear()
    with _lock:
        _held.clear()


def active() -> bool:
    return bool(_real)


def activate_from_environment() -> None:
    if os.environ.get(ENV) == "1":
        activate()


__all__ = ["ENV", "activate", "activate_from_environment", "active", "deactivate", "holders"]
_ = Path  # pathlib's Path.unlink and Path.replace call os.unlink and os.replace
