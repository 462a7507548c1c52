"""The doors of bring-back, over a copy Data Backup proved and opened read-only (never
the copy itself): what a copy holds against the live data (`items`), and bringing chosen
items back (`bring_back`), recorded in the Backup history. The live file is written with
the write rules of every save."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager

from portal.backup import BackupEngine
from portal.bring_back.bring import BringBackError, Brought
from portal.bring_back.bring import bring_back as bring
from portal.bring_back.differences import Item, differences
from portal.bring_back.kinds import kind_of
from portal.data_backup.service import DataBackup
from portal.db import open_data_file
from portal.instance import Instance
from portal.unit_of_work import UnitOfWork

__all__ = ["BringBackError", "Brought", "Item", "bring_back", "items"]


@contextmanager
def opened(engine: BackupEngine, name: str, generation: int, who: str) -> Iterator:
    """A connection to data file `name`'s copy at `generation`, proven and opened by the
    engine in a private file, for the block."""
    with engine.open_copy(name, generation, who) as private:
        # Never written: opened read-only and immutable (no journal, no lock).
        uri = f"{private.resolve().as_uri()}?mode=ro&immutable=1"
        with closing(sqlite3.connect(uri, uri=True)) as conn:
            yield conn


def items(
    instance: Instance, service: DataBackup, name: str, generation: int, who: str
) -> list[Item]:
    """Every item of data file `name`'s copy at `generation`, marked against the live
    data (deleted since, changed since, unchanged), newest first."""
    kind = kind_of(name)
    with (
        opened(service.engine(), name, generation, who) as copy,
        open_data_file(name, instance) as live,
    ):
        return differences(copy, live, kind)


def bring_back(
    instance: Instance, service: DataBackup, name: str, generation: int, ids: list[int], who: str
) -> list[Brought]:
    """Bring the items `ids` of that copy back into the live data file, all or none."""
    kind = kind_of(name)
    with open_data_file("system.db", instance) as system:
        people = {row[0] for row in system.execute("SELECT id FROM users")}
    with (
        opened(service.engine(), name, generation, who) as copy,
        open_data_file(name, instance) as live,
    ):
        done = bring(copy, live, kind, ids, people)
    with UnitOfWork.of(instance) as unit:
        said = "; ".join(b.sentence() for b in done)
        unit.audit(
            "items brought back", who, f"from the copy of {name} at generation {generation}: {said}"
        )
    return done
