"""SQLite connections to the data files, the one way to open one:

- `open_data_file(name, instance)`: outside a request (background jobs, start-up,
  commands), closed when the block ends; `open_unless_given` when a caller may already
  hold one (a Data Backup call's unit of work).
- `thread_connection`: one per data file, kept open by each server thread between
  requests; a request takes it with portal.web.get_db (flaskr's get_db).
- `connect` underneath both, with the portal's pragmas; `transaction` around writes.

A second way is needed in two places, on purpose: the backup engine (portal/backup/) and
portal/data_health.py open copies and files of doubtful kind read-only (`mode=ro`,
`immutable`), never as a data file in use, and the engine knows nothing of this module.

It knows no Flask: it is handed the instance (portal/instance.py)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from portal.data_health import live_problem
from portal.datafiles import DATA_FILES, DataFile, data_file, split_statements
from portal.instance import Instance


def _decode(value: bytes) -> str:
    # A text damaged on disk (or written by another program) shows with replacement
    # characters instead of failing the whole page.
    return value.decode("utf-8", errors="replace")


def connect(path: Path, busy_timeout_ms: int = 5000, create: bool = False) -> sqlite3.Connection:
    """Open a data file with the portal's settings: busy timeout, foreign keys. A missing
    file is an error (sqlite3.OperationalError), never silently made empty, unless
    `create` (init and the very first start)."""
    mode = "rwc" if create else "rw"
    conn = sqlite3.connect(
        f"{Path(path).resolve().as_uri()}?mode={mode}",
        uri=True,
        timeout=busy_timeout_ms / 1000,
        isolation_level=None,
        check_same_thread=False,
    )
    conn.row_factory = sqlite3.Row
    conn.text_factory = _decode
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction: BEGIN IMMEDIATE takes the write lock up front, so two
    writers queue on the busy timeout instead of failing half-way. Inside another one it
    is a savepoint of it: a service call's writes (an audit entry, today's record) join
    its one unit of work and are committed with it, or not at all."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT inner")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO inner")
            conn.execute("RELEASE inner")
            raise
        conn.execute("RELEASE inner")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, spec: DataFile) -> tuple[int, int]:
    """Apply the data file's pending migrations; return (version before, version after)."""
    with transaction(conn):
        # The version is read inside the write lock, so two processes starting at once
        # apply each migration exactly once.
        before = conn.execute("PRAGMA user_version").fetchone()[0]
        if before > len(spec.migrations):
            raise RuntimeError(
                f"{spec.name} has schema version {before}, newer than this portal knows "
                f"({len(spec.migrations)}); upgrade the portal before using this data"
            )
        for version, script in enumerate(spec.migrations[before:], start=before + 1):
            for statement in split_statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
    return before, len(spec.migrations)


def data_path(name: str, data_dir: Path) -> Path:
    """The path of one data file in the data folder, by its name as listed ('todo.db')."""
    return data_dir / data_file(name).name


# Each server thread keeps its connections open between requests: the first query on
# a new connection parses the schema (about 0.2 ms a file), which cost more than the
# rest of a page's queries together. Bounded, so a process that meets many instances
# (the tests) does not keep every file open.
_threads = threading.local()
KEPT_CONNECTIONS = 16


def _file_id(path: Path) -> tuple[int, int]:
    stat = path.stat()  # FileNotFoundError when the data file has gone
    return stat.st_dev, stat.st_ino


# Every kept connection of every thread, by data file: a restore that must replace a file
# by a rename lets go of them all first (Windows refuses to rename a file held open).
# The server's threads live as long as the process, and so may their connections.
_all_kept: dict[str, set[sqlite3.Connection]] = {}
_all_kept_lock = threading.Lock()


def _is_open(conn: sqlite3.Connection) -> bool:
    try:
        conn.in_transaction  # noqa: B018 - raises on a closed connection
    except sqlite3.ProgrammingError:
        return False
    return True


def _forget(key: str, conn: sqlite3.Connection) -> None:
    with _all_kept_lock:
        _all_kept.get(key, set()).discard(conn)
    conn.close()


def thread_connection(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    kept = getattr(_threads, "connections", None)
    if kept is None:
        kept = _threads.connections = OrderedDict()
    key = str(path)
    try:
        file_id = _file_id(path)
    except FileNotFoundError:
        file_id = None
    held = kept.pop(key, None)
    if held is not None and (held[1] != file_id or not _is_open(held[0])):
        # The file was deleted or replaced (a restore by hand): a kept connection would
        # go on reading and writing the old one. Or a restore let go of it.
        _forget(key, held[0])
        held = None
    if held:
        conn = held[0]
    else:
        conn = connect(path, busy_timeout_ms)
        with _all_kept_lock:
            _all_kept.setdefault(key, set()).add(conn)
    kept[key] = (conn, file_id)
    while len(kept) > KEPT_CONNECTIONS:
        old_key, (old, _id) = kept.popitem(last=False)
        _forget(old_key, old)
    return conn


def close_kept_connections() -> None:
    """Close the connections this thread keeps (a test about to unmount a disk)."""
    kept = getattr(_threads, "connections", None) or {}
    while kept:
        key, (conn, _id) = kept.popitem()
        _forget(key, conn)


def release_kept(path: Path) -> None:
    """Close every thread's kept connection to one data file (they are opened again at
    their next use): a restore that replaces a damaged file by a rename, which Windows
    refuses while any handle to the file is open, the portal's own included."""
    with _all_kept_lock:
        conns = _all_kept.pop(str(path), set())
    for conn in conns:
        conn.close()


@contextlib.contextmanager
def open_data_file(name: str, instance: Instance) -> Iterator[sqlite3.Connection]:
    """A connection to one data file outside any request (background jobs, start-up,
    commands), closed when the block ends: `with open_data_file("system.db", instance)
    as conn:`. Inside a request, portal.web.get_db(name) gives the request's own."""
    conn = connect(data_path(name, instance.data_dir), instance.busy_timeout_ms)
    try:
        yield conn
    finally:
        conn.close()


@contextlib.contextmanager
def open_unless_given(
    conn: sqlite3.Connection | None, name: str, instance: Instance
) -> Iterator[sqlite3.Connection]:
    """`conn`, the caller's connection to data file `name`, when it has one (a Data Backup
    call's unit of work); else one of the step's own, closed when the block ends."""
    if conn is not None:
        yield conn
        return
    with open_data_file(name, instance) as own:
        yield own


def migrate_all(
    instance: Instance, create: bool = False, only: list[str] | None = None
) -> dict[str, tuple[int, int]]:
    """Upgrade every data file that is sound (and with `create`, make the missing ones);
    return each upgraded file's (before, after) version. A file that is missing or not
    a database is left alone: data_health reports it, with the way to bring it back."""
    report = {}
    for spec in DATA_FILES:
        if only is not None and spec.name not in only:
            continue
        path = data_path(spec.name, instance.data_dir)
        if live_problem(path) and not (create and not path.exists()):
            continue
        new = not path.exists()
        try:
            conn = connect(path, instance.busy_timeout_ms, create=create)
        except sqlite3.Error:
            continue  # reported by data_health
        if new and os.name == "posix":
            # Owner-only, like everything under the instance. SQLite gives the -wal and
            # -shm files it makes later the mode of the database file.
            path.chmod(0o600)
        try:
            # WAL lets a backup read a snapshot while everyone keeps writing. The mode is
            # stored in the file, so setting it at start covers every later connection
            # (and mends a file that was copied in by hand).
            conn.execute("PRAGMA journal_mode = WAL")
            report[spec.name] = migrate(conn, spec)
        except sqlite3.DatabaseError as exc:
            # A full disk or a read-only folder: the portal still starts and says so.
            instance.logger.error("%s could not be opened for writing: %s", spec.name, exc)
        finally:
            conn.close()
    return report
