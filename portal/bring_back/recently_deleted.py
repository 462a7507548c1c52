"""A member's Recently deleted (issue 23, item 5): their own to-dos or events that the
newest copy of the data file holds and the live data no longer has, each brought back by
the member with one press. A member never sees anyone else's items nor the copies as
such: the copy is read for their rows only, and only an item of theirs that is deleted
since comes back. The administrator can switch it off (System Settings > Data Backup).

The copy is proven exactly as for the administrator's Open (portal/backup/open_copy.py);
a copy that cannot be proven is not forced for a member: the page says so."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from portal import settings_store
from portal.bring_back.bring import BringBackError, Brought
from portal.bring_back.bring import bring_back as bring
from portal.bring_back.copies import CopyRef, opened
from portal.bring_back.differences import DELETED, Item, compare, read
from portal.bring_back.kinds import kind_of
from portal.data_backup.service import DataBackup
from portal.db import open_data_file, open_unless_given
from portal.instance import Instance
from portal.unit_of_work import UnitOfWork

# The data files whose items are a member's own, on their own pages.
MEMBERS_FILES = ("todo.db", "schedule.db")
# Local generations only, and of them the newest: "deleted since the newest backup".
NEWEST = CopyRef(generation=0)
# A member waits this long for a backup that holds the copies, then is told to retry.
WAIT_SECONDS = 5.0


def members_may(instance: Instance, conn: sqlite3.Connection | None = None) -> bool:
    """Whether members may bring back their own (on unless the administrator said off);
    read on `conn`, the caller's connection to system.db, when it has one (a page). Who
    switched it and when is stored beside it, and said in the Backup history."""
    with open_unless_given(conn, "system.db", instance) as system:
        value = settings_store.get_json(system, settings_store.MEMBERS_BRING_BACK)
    return value.get("on", True) is not False


def set_switch(instance: Instance, on: bool, who: str, now: datetime) -> None:
    """Switch members' Recently deleted on or off, recorded in the Backup history."""
    with open_data_file("system.db", instance) as conn:  # the setting itself is never lost
        settings_store.put_json(
            conn,
            settings_store.MEMBERS_BRING_BACK,
            {"on": on, "by": who, "since": now.isoformat(timespec="minutes")},
        )
    with UnitOfWork.of(instance) as unit:
        unit.audit(
            "recently deleted switched",
            who,
            "Members may bring back their own deleted items."
            if on
            else "Members' Recently deleted is off: only the administrator brings items back.",
        )


def _member_file(name: str) -> None:
    if name not in MEMBERS_FILES:
        raise ValueError(f"{name} is not a data file of members' own items.")


def items(
    instance: Instance, service: DataBackup, name: str, owner_id: int, who: str
) -> list[Item]:
    """The member's items of `name` in its newest copy that are deleted since, newest
    first. BackupError when the copy cannot be read or proven."""
    _member_file(name)
    kind = kind_of(name)
    with (
        opened(instance, service, name, NEWEST, who, wait=WAIT_SECONDS) as copy,
        open_data_file(name, instance) as live,
    ):
        theirs = read(copy, kind, [owner_id], kind.owner)  # never anyone else's rows
        in_live = read(live, kind, list(theirs))
    found = [compare(kind, row, in_live.get(row_id)) for row_id, row in theirs.items()]
    deleted = [item for item in found if item.state == DELETED]
    return sorted(deleted, key=lambda i: (i.copy.values["created_at"], i.id), reverse=True)


def bring_back(
    instance: Instance, service: DataBackup, name: str, owner_id: int, item_id: int, who: str
) -> Brought:
    """Bring one of the member's own deleted items back from the newest copy. A
    BringBackError when it is not theirs, not in the copy, or no longer deleted."""
    _member_file(name)
    kind = kind_of(name)
    with (
        opened(instance, service, name, NEWEST, who, wait=WAIT_SECONDS) as copy,
        open_data_file(name, instance) as live,
    ):
        theirs = read(copy, kind, [item_id])
        row = theirs.get(item_id)
        if row is None or row.values[kind.owner] != owner_id:
            # Another's item is answered as one that is not there: nothing is told of it.
            raise BringBackError(f"There is no such {kind.label} of yours to bring back.")
        if compare(kind, row, read(live, kind, [item_id]).get(item_id)).state != DELETED:
            raise BringBackError(f"“{row.values[kind.title]}” is already on your list.")
        (done,) = bring(copy, live, kind, [item_id], {owner_id})
    with UnitOfWork.of(instance) as unit:
        unit.audit(
            "items brought back",
            who,
            f"their own, from the newest copy of {name} (Recently deleted): {done.sentence()}",
        )
    return done


@dataclass(frozen=True)
class RecentlyDeleted:
    """The members' Recently deleted of one portal, as the To-Do List and the Scheduler
    reach it (a layer below this one: create_app hands it to them, portal/web.py)."""

    instance: Instance
    service: DataBackup

    def on(self, conn: sqlite3.Connection | None = None) -> bool:
        return members_may(self.instance, conn)

    def items(self, name: str, owner_id: int, who: str) -> list[Item]:
        return items(self.instance, self.service, name, owner_id, who)

    def bring_back(self, name: str, owner_id: int, item_id: int, who: str) -> Brought:
        return bring_back(self.instance, self.service, name, owner_id, item_id, who)
