"""Questions about a database file that never open it ourselves: is it a readable
database, how big is its database. Closing our own handle on a live database file would
drop every lock this process's SQLite connections hold on it (POSIX advisory locks belong
to the process), so everything here goes through SQLite or stat."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

# SQLite's answers for a file that is not (or no longer) a readable database.
DAMAGED = (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)
# How long a question waits for a writer that holds the database (then it is a database).
BUSY_SECONDS = 5.0


def database_problem(path: Path) -> str | None:
    """What keeps `path` from being a readable database ('is missing', 'is a folder, not a
    database', 'cannot be read (...)', 'is not a database (it may be damaged)'), or None.

    Asked through SQLite, never by opening the file ourselves: closing our own handle on
    a database file drops every lock this process's SQLite connections hold on it (POSIX
    advisory locks belong to the process), and another process closing its last
    connection would then delete the WAL under a live one (tests/test_live_file_locks.py).
    SQLite's own connections share their locks safely within a process."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return "is missing"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISDIR(info.st_mode):
        return "is a folder, not a database"
    if info.st_size == 0:
        return "is not a database (it may be damaged)"  # SQLite would take it for an empty one
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        if code in DAMAGED:
            return "is not a database (it may be damaged)"
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return None  # a database, busy with a writer
        return f"cannot be read ({exc})"
    return None


def database_size(path: Path) -> int:
    """The bytes of a database as SQLite sees it (page_count * page_size, its WAL counted
    in): the size its copy will have. Not the file's size plus the WAL's, which counts
    every frame ever appended (a WAL is not shrunk by a checkpoint) and would make a fresh
    copy look smaller than its live file. A file that is not a readable database, or
    cannot be opened, gives its size on disk; a missing file 0."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS)
    except (sqlite3.Error, OSError):
        conn = None
    if conn is not None:
        try:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            page_size = conn.execute("PRAGMA page_size").fetchone()[0]
            return pages * page_size
        except sqlite3.Error:
            pass
        finally:
            conn.close()
    try:
        return path.stat().st_size
    except OSError:
        return 0
