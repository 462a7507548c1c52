"""The data files and their schemas: the lowest layer, importing nothing of the portal.
The backup engine, the Data Backup page and the commands all learn the list from here,
so a new app adds its file (and a module with its migrations) in this one folder."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from portal.datafiles.bulletin import MIGRATIONS as BULLETIN
from portal.datafiles.schedule import MIGRATIONS as SCHEDULE
from portal.datafiles.system import MIGRATIONS as SYSTEM
from portal.datafiles.todo import MIGRATIONS as TODO


@dataclass(frozen=True)
class DataFile:
    """One SQLite data file: its file name, what it holds, and its migrations in order."""

    name: str
    description: str
    migrations: tuple[str, ...]


DATA_FILES: tuple[DataFile, ...] = (
    DataFile("system.db", "Users, groups, settings and the audit log", SYSTEM),
    DataFile("schedule.db", "Scheduler events", SCHEDULE),
    DataFile("bulletin.db", "Bulletin Board posts and replies", BULLETIN),
    DataFile("todo.db", "To-Do List items", TODO),
)


def data_file(name: str) -> DataFile:
    """The registered data file called `name`; KeyError for any other name."""
    for spec in DATA_FILES:
        if spec.name == name:
            return spec
    raise KeyError(f"no data file called {name!r}")


def split_statements(script: str) -> list[str]:
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
