"""Which folder is this portal's off-site folder: the Data Backup page's value, else
OFFSITE_DIR; where it may be (never a system folder nor the instance's own); Save and
`backup offsite set` mark it as this portal's (portal/offsite/place.py)."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

from portal import settings_store
from portal.backup.held import Patience
from portal.backup.layout import Layout
from portal.data_backup import clock_mistake, offsite_keys
from portal.datafiles import DATA_FILES
from portal.db import open_data_file, open_unless_given
from portal.instance import Instance, portal_id
from portal.offsite import OffsiteError, OffsiteFolder, probe
from portal.offsite.opened import OPENED_FOLDER
from portal.offsite.place import Protected, location_problem
from portal.offsite.shareops import ShareOps
from portal.settings_store import get_json, put_json

SETTING_KEY = settings_store.OFFSITE_FOLDER  # {"dir": "..."}: wins over OFFSITE_DIR
# What a passed Test says, on the page and the command line.
TEST_PASSED = (
    "The off-site folder {folder} works: a test file was written and flushed, renamed to "
    "its final name, read back and deleted, as a copy is."
)


def configured_dir(conn: sqlite3.Connection, instance: Instance) -> str:
    """The off-site folder in force ('' when off): the page's value, else OFFSITE_DIR."""
    stored = get_json(conn, SETTING_KEY)
    if isinstance(stored.get("dir"), str):
        return stored["dir"]
    return str(instance.config["OFFSITE_DIR"] or "")


def save_dir(conn: sqlite3.Connection, folder: str) -> None:
    put_json(conn, SETTING_KEY, {"dir": folder.strip()})


def protected(instance: Instance) -> Protected:
    """The instance's own folders, which the off-site folder must stay clear of."""
    return Protected(instance.path, instance.data_dir, instance.backup_dir)


def folder_at(
    where: str, instance: Instance, conn: sqlite3.Connection | None = None
) -> OffsiteFolder:
    """The folder `where` as this portal's off-site folder would be used."""
    return OffsiteFolder(
        Path(where),
        ShareOps(Patience(float(instance.config["FILE_HELD_SECONDS"]))),
        owner=portal_id(instance),
        names=tuple(spec.name for spec in DATA_FILES),
        instance=f"{socket.gethostname()}: {instance.path}",
        answer_seconds=float(instance.config["OFFSITE_ANSWER_SECONDS"]),
        mistaken=clock_mistake.mistaken(instance, conn),
        seal=offsite_keys.load(instance),
        opened_dir=Layout(instance.backup_dir).in_folder(OPENED_FOLDER),
    )


def place_problem(where: str, instance: Instance) -> str | None:
    """Why `where` may not be the off-site folder (a system folder, the instance's own,
    someone else's folder), or None."""
    target, clear_of = folder_at(where, instance), protected(instance)
    try:  # resolving the path already asks the share
        return target.within_limit(
            lambda: location_problem(where, clear_of) or target.claim_problem()
        )
    except OffsiteError as exc:  # the share does not answer
        return str(exc)


def use_dir(where: str, instance: Instance) -> bool:
    """Make `where` the off-site folder (the Data Backup page's Save, `backup offsite
    set`): checked, marked as this portal's, then saved; '' turns the copy off.
    OffsiteError saying why when it cannot be; True when the marker was written now."""
    where = where.strip()
    marked = False
    if where:
        target, clear_of = folder_at(where, instance), protected(instance)

        def claim() -> bool:
            if problem := location_problem(where, clear_of):
                raise OffsiteError(problem)
            return target.claim()

        marked = target.within_limit(claim)
        offsite_keys.ensure(instance, target)  # the first Save makes the key (and asks for the kit)
    with open_data_file("system.db", instance) as conn:
        save_dir(conn, where)
    return marked


def folder(instance: Instance, conn: sqlite3.Connection | None = None) -> OffsiteFolder | None:
    """The off-site folder, or None when the off-site copy is off (`conn`: the caller's
    connection to system.db, if it has one)."""
    with open_unless_given(conn, "system.db", instance) as conn:
        where = configured_dir(conn, instance)
        return folder_at(where, instance, conn) if where else None


def test_folder(where: str, instance: Instance) -> list[str]:
    """Test `where` as the off-site folder (the page's Test, `backup offsite test`): its
    place, then what a copy does there (offsite/probe.py), under the share's time
    limit. OffsiteError saying what would fail; the notes otherwise."""
    if problem := place_problem(where, instance):
        raise OffsiteError(problem)
    target = folder_at(where, instance)
    return target.within_limit(lambda: probe.test(target))
