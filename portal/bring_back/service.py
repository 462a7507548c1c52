"""The doors of bring-back, over a copy Data Backup proved and opened read-only (never
the copy itself, portal/bring_back/copies.py): what a copy holds against the live data
(`items`), and bringing chosen items back (`bring_back`), recorded in the Backup history.
The live file is written with the write rules of every save."""

from __future__ import annotations

import sqlite3
from functools import partial

from portal.bring_back import listing
from portal.bring_back.bring import BringBackError, Brought
from portal.bring_back.bring import bring_back as bring
from portal.bring_back.copies import CopyRef, opened
from portal.bring_back.differences import Item, compared, differences
from portal.bring_back.kinds import kind_of
from portal.data_backup.service import DataBackup
from portal.db import data_path, open_data_file, open_unless_given
from portal.instance import Instance
from portal.unit_of_work import UnitOfWork

__all__ = ["BringBackError", "Brought", "CopyRef", "Item", "bring_back", "items"]


def items(
    instance: Instance,
    service: DataBackup,
    name: str,
    ref: CopyRef,
    who: str,
    force: bool = False,
    ids: list[int] | None = None,
) -> list[Item]:
    """Every item of data file `name`'s copy `ref` (or those of `ids` it holds, in that
    order), marked against the live data (deleted since, changed since, unchanged),
    newest first. `force`: an unrecorded copy too."""
    kind = kind_of(name)
    with (
        opened(instance, service, name, ref, who, force=force) as copy,
        open_data_file(name, instance) as live,
    ):
        return differences(copy, live, kind) if ids is None else compared(copy, live, kind, ids)


def page(
    instance: Instance,
    service: DataBackup,
    name: str,
    ref: CopyRef,
    who: str,
    filters: listing.Filters,
    force: bool = False,
    live: sqlite3.Connection | None = None,
) -> listing.Page:
    """One page of the copy's items as `filters` choose them, with the whole copy's
    counts (listing.py: what differs found by one join in SQLite, kept while neither
    side changes). `live`: the caller's connection to the live file (a page's own)."""
    kind = kind_of(name)
    path = data_path(name, instance.data_dir)
    with (
        opened(instance, service, name, ref, who, force=force) as copy,
        open_unless_given(live, name, instance) as live_conn,
    ):
        attach = partial(listing.attach_live, copy, path, instance.busy_timeout_ms)
        return listing.page(copy, live_conn, kind, filters, attach)


def bring_back(
    instance: Instance,
    service: DataBackup,
    name: str,
    ref: CopyRef,
    ids: list[int],
    who: str,
    force: bool = False,
) -> list[Brought]:
    """Bring the items `ids` of that copy back into the live data file, all or none."""
    kind = kind_of(name)
    with open_data_file("system.db", instance) as system:
        people = {row[0] for row in system.execute("SELECT id FROM users")}
    with (
        opened(instance, service, name, ref, who, force=force) as copy,
        open_data_file(name, instance) as live,
    ):
        done = bring(copy, live, kind, ids, people)
    with UnitOfWork.of(instance) as unit:
        said = "; ".join(b.sentence() for b in done)
        forced = " (opened anyway: it cannot be proven)" if force else ""
        unit.audit("items brought back", who, f"from {ref.words(name)}{forced}: {said}")
    return done
