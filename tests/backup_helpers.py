"""Helpers for the backup engine's tests: live data files with markers, an engine on a
settable clock, and a fingerprint of every copy in the backup folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from portal.backup import BackupEngine, Source
from portal.backup.fileops import FileOps
from portal.backup.layout import GENERATIONS, Layout
from tests.helpers import FakeClock

ZONE = ZoneInfo("Europe/Berlin")
NAMES = ("system.db", "todo.db")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=ZONE)


def make_live(folder: Path, names=NAMES) -> dict[str, Path]:
    """Live WAL data files, each with a `marks` table."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in names:
        path = folder / name
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS marks (id INTEGER PRIMARY KEY, mark TEXT)")
        conn.commit()
        conn.close()
        paths[name] = path
    return paths


def set_mark_table(path: Path) -> None:
    """The marks table in a live data file that has none yet (a portal's real file)."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE IF NOT EXISTS marks (id INTEGER PRIMARY KEY, mark TEXT)")
    conn.commit()
    conn.close()


def set_mark(path: Path, mark: str) -> None:
    """Write a new marker row: the newest row tells which state a copy holds."""
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO marks (mark) VALUES (?)", (mark,))
    conn.commit()
    conn.close()


def mark_of(path: Path) -> str | None:
    """The newest marker in a database file (a copy or the live file)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        row = conn.execute("SELECT mark FROM marks ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    return row[0] if row else None


def make_engine(root: Path, clock: FakeClock, ops: FileOps | None = None) -> BackupEngine:
    live = make_live(root / "data")
    return BackupEngine(root / "backup", [Source(n, p) for n, p in live.items()], clock, ops=ops)


def slots(engine: BackupEngine, name: str) -> list[str | None]:
    """The marker held by each generation slot of a data file (None where empty)."""
    layout: Layout = engine.layout
    return [
        mark_of(layout.slot(name, g)) if layout.slot(name, g).exists() else None
        for g in range(GENERATIONS + 1)
    ]


def full_generations(root: Path, bulk_rows: int = 0) -> Path:
    """A site whose every slot is full (the newest copy from yesterday, 26 Nov 2026) and
    whose live data is marked '<name> today'; `bulk_rows` of 1 kB make the files larger."""
    clock = FakeClock(local(2026, 11, 19, 10, 0))
    engine = make_engine(root, clock)
    for name in NAMES:
        conn = sqlite3.connect(engine.sources[name].path)
        conn.execute("CREATE TABLE IF NOT EXISTS bulk (b BLOB)")
        conn.executemany("INSERT INTO bulk VALUES (randomblob(1000))", [()] * bulk_rows)
        conn.commit()
        conn.close()
    for day in range(8):
        for name in NAMES:
            set_mark(engine.sources[name].path, f"{name} day {day}")
        engine.run(who="setup")
        clock.advance(days=1)
    for name in NAMES:
        set_mark(engine.sources[name].path, f"{name} today")
    return root


@contextlib.contextmanager
def tmpfs(mount_point: Path, options: str):
    """A tmpfs mounted at `mount_point` for the block (root only; the test is skipped
    where mounting is refused). Always unmounted: detached if a file is still held."""
    if os.name != "posix" or shutil.which("mount") is None:
        pytest.skip("needs mount")
    mount_point.mkdir(exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount_point)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        if subprocess.run(["umount", str(mount_point)], capture_output=True).returncode:
            subprocess.run(["umount", "-l", str(mount_point)], check=False)
