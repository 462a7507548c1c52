"""The registry of data files. The backup engine, the Data Backup page and the
commands all learn the list from here, so a new app adds its file in one place."""

from __future__ import annotations

from dataclasses import dataclass

from portal.apps.bulletin.schema import MIGRATIONS as BULLETIN
from portal.apps.scheduler.schema import MIGRATIONS as SCHEDULE
from portal.apps.todo.schema import MIGRATIONS as TODO
from portal.system_schema import MIGRATIONS as SYSTEM


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
