"""SQLite connections to the data files: flaskr's get_db/close_db, one connection per
data file, kept open by each server thread between requests."""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, g

from portal.datafiles import DATA_FILES, DataFile, data_file


def connect(path: Path, busy_timeout_ms: int = 5000) -> sqlite3.Connection:
    """Open a data file with the portal's settings: busy timeout, foreign keys."""
    conn = sqlite3.connect(
        path, timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction: BEGIN IMMEDIATE takes the write lock up front, so two
    writers queue on the busy timeout instead of failing half-way."""
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
            for statement in _statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version}")
    return before, len(spec.migrations)


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit on its own)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buffer.strip()[:60]}")
    return statements


def data_dir(app: Flask | None = None) -> Path:
    """The folder holding the data files."""
    app = app or current_app
    return Path(app.config["DATA_DIR"])


def data_path(name: str, app: Flask | None = None) -> Path:
    """The path of one data file, by its name as listed (e.g. 'todo.db')."""
    return data_dir(app) / data_file(name).name


# Each server thread keeps its connections open between requests: the first query on
# a new connection parses the schema (about 0.2 ms a file), which cost more than the
# rest of a page's queries together. Bounded, so a process that meets many instances
# (the tests) does not keep every file open.
_threads = threading.local()
KEPT_CONNECTIONS = 16


def _thread_connection(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    kept = getattr(_threads, "connections", None)
    if kept is None:
        kept = _threads.connections = OrderedDict()
    key = str(path)
    conn = kept.pop(key, None) or connect(path, busy_timeout_ms)
    kept[key] = conn
    while len(kept) > KEPT_CONNECTIONS:
        kept.popitem(last=False)[1].close()
    return conn


def open_data_file(name: str, app: Flask) -> sqlite3.Connection:
    """A new connection to one data file, outside any request (background jobs,
    start-up); the caller closes it."""
    return connect(data_path(name, app), app.config["SQLITE_BUSY_TIMEOUT_MS"])


def get_db(name: str) -> sqlite3.Connection:
    """This request's connection to one data file, e.g. get_db('todo.db')."""
    conns = g.setdefault("_portal_dbs", {})
    if name not in conns:
        conns[name] = _thread_connection(
            data_path(name), current_app.config["SQLITE_BUSY_TIMEOUT_MS"]
        )
    return conns[name]


def close_dbs(_exc: BaseException | None = None) -> None:
    """End the request's use of its connections: nothing may stay in a transaction
    (transaction() always ends its own; this is the safety net)."""
    for conn in g.pop("_portal_dbs", {}).values():
        if conn.in_transaction:
            conn.execute("ROLLBACK")


def migrate_all(app: Flask) -> dict[str, tuple[int, int]]:
    """Create or upgrade every data file; return each file's (before, after) version."""
    report = {}
    for spec in DATA_FILES:
        conn = open_data_file(spec.name, app)
        try:
            # WAL lets a backup read a snapshot while everyone keeps writing. The mode is
            # stored in the file, so setting it at start covers every later connection
            # (and mends a file that was copied in by hand).
            conn.execute("PRAGMA journal_mode = WAL")
            report[spec.name] = migrate(conn, spec)
        finally:
            conn.close()
    return report


def init_app(app: Flask) -> None:
    """Close connections at the end of every request and app context."""
    app.teardown_appcontext(close_dbs)
