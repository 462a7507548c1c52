"""Whether the data files are there and are what they should be. A data file is made
once (by `init`, or the very first start); one that goes missing or stops being a
database later is a problem to report, with the way to bring it back, never a reason
to make an empty one. The backup engine also asks here whether a copy is of the right
kind (its tables, a schema version the portal can migrate) before restoring it."""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from portal.backup.database_files import database_problem
from portal.backup.layout import GENERATIONS, Layout
from portal.datafiles import DATA_FILES, DataFile, split_statements
from portal.instance import Instance

# The last answer per data file, kept while the file's identity, size and time stay the
# same: asking SQLite costs about 0.1 ms, a stat a few microseconds, and the member's
# portlet asks on every portal page.
_ANSWERS: dict[str, tuple[tuple, str | None]] = {}


def live_problem(path: Path) -> str | None:
    """What is wrong with a live data file ('is missing', 'is not a database'), or None.
    Read through SQLite, never with open(): see fileops.database_problem."""
    try:
        info = path.stat()
    except OSError:
        return database_problem(path)
    signature = (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_mode)
    kept = _ANSWERS.get(str(path))
    if kept is not None and kept[0] == signature:
        return kept[1]
    answer = database_problem(path)
    _ANSWERS[str(path)] = (signature, answer)
    return answer


def has_copies(backup_dir: Path, name: str) -> bool:
    """Whether the backup folder holds any copy of data file `name`."""
    layout = Layout(backup_dir)
    try:
        return any(layout.slot(name, g).is_file() for g in range(GENERATIONS + 1))
    except OSError:
        return False


def how_to_fix(instance: Instance, name: str, present: bool = False) -> str:
    """The command that brings a data file back, for this instance (`present`: something
    is there in its place, which `init` would not replace)."""
    if has_copies(instance.backup_dir, name):
        return (
            f"Bring it back from its newest copy with: "
            f"{instance.command(f'backup restore {name} --generation 0')}"
        )
    if present:
        return (
            f"It has no copies: move it out of {instance.config['DATA_DIR']}, then "
            f"`{instance.command('init')}` creates it empty."
        )
    return f"It has no copies; `{instance.command('init')}` creates it empty."


@dataclass(frozen=True)
class DataProblem:
    """A data file that is missing or not a database, and how to bring it back."""

    name: str
    path: Path
    what: str  # "is missing", "is not a database (it may be damaged)"
    fix: str

    def __str__(self) -> str:
        return f"The data file {self.path} {self.what}. {self.fix}"


def problems(instance: Instance, kinds: bool = False) -> dict[str, DataProblem]:
    """Every data file with a problem, by name; with `kinds`, a database of another kind
    (another data file copied over it) is one too (asked when a query has failed)."""
    data_dir = instance.data_dir
    found = {}
    for spec in DATA_FILES:
        path = data_dir / spec.name
        problem = live_problem(path)
        if problem is None and kinds and (wrong := wrong_kind(spec, path, live=True)):
            problem = f"is not the portal's {spec.name} ({wrong})"
        if problem:
            found[spec.name] = DataProblem(
                spec.name, path, problem, _fix(instance, spec, path, problem)
            )
    return found


def _fix(instance: Instance, spec, path: Path, problem: str) -> str:
    """What brings the file back, as it can be pasted: a full disk is made room on (the
    file is fine), a folder in the file's place is moved away first (a restore never
    deletes a folder), anything else is restored or made anew."""
    if problem.startswith("cannot be read") and (full := disk_problem(instance)):
        return f"{full} Make room there; nothing needs to be restored."
    fix = how_to_fix(instance, spec.name, present=problem != "is missing")
    if problem.startswith("is a folder") and has_copies(instance.backup_dir, spec.name):
        return f"Move the folder {path} out of the way first. {fix}"
    return fix


# Below this, SQLite cannot even open a data file to read it (WAL mode makes its -shm
# file at the first connection), so pages say the disk is full instead of failing.
FULL_DISK_BYTES = 1024 * 1024


def disk_problem(instance: Instance) -> str | None:
    """'The disk holding the data files ... is full', or None."""
    data_dir = instance.data_dir
    try:
        free = shutil.disk_usage(data_dir).free
    except OSError:
        return None
    if free >= FULL_DISK_BYTES:
        return None
    return (
        f"The disk holding the data files ({data_dir}) is full ({free // 1024} KB free): "
        "the portal cannot read or save anything until room is made on it."
    )


def is_new_instance(data_dir: Path, backup_dir: Path) -> bool:
    """Neither data files nor copies: the very first start, which makes the data files."""
    return not any((data_dir / spec.name).exists() for spec in DATA_FILES) and not any(
        has_copies(backup_dir, spec.name) for spec in DATA_FILES
    )


# -- the right kind of copy ------------------------------------------------------------


def _shape(conn: sqlite3.Connection) -> dict[str, tuple[str, ...]]:
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        table: tuple(col[1] for col in conn.execute(f'PRAGMA table_info("{table}")'))  # noqa: S608 - names from sqlite_master
        for table in sorted(tables)
    }


@cache
def expected_shape(spec: DataFile, version: int) -> dict[str, tuple[str, ...]]:
    """The tables and columns a data file has at a schema version."""
    conn = sqlite3.connect(":memory:")
    try:
        for script in spec.migrations[:version]:
            for statement in split_statements(script):
                conn.execute(statement)
        return _shape(conn)
    finally:
        conn.close()


def wrong_kind(spec: DataFile, path: Path, live: bool = False) -> str | None:
    """What makes the database at `path` not a copy of data file `spec` (with `live`: not
    the live data file `spec`, read with its WAL), or None."""
    uri = f"{path.resolve().as_uri()}?mode=ro" + ("" if live else "&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            shape = _shape(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"it cannot be read as a database: {exc}"
    if version == 0:
        return (
            "it is an empty database without the portal's schema"
            if not shape
            else ("it is a database the portal did not make (no schema version)")
        )
    if version > len(spec.migrations):
        return (
            f"its schema version {version} is newer than this portal knows ({len(spec.migrations)})"
        )
    expected = expected_shape(spec, version)
    # Its own tables with their columns; a table added beside them does no harm.
    missing = [
        table
        for table, columns in expected.items()
        if table not in shape or not set(columns) <= set(shape[table])
    ]
    if missing:
        return (
            f"it lacks the tables of {spec.name} at schema version {version} "
            f"({', '.join(missing)}); its tables are: {', '.join(shape) or 'none'}"
        )
    return None
