"""A person across the data files. People live in system.db, but their to-dos, events
and posts live in the other files under their id: removing a person deletes their
private items (to-dos, their own events) and keeps their posts under their name, marked
as removed; their id is never given to anyone else."""

from __future__ import annotations

from datetime import datetime

from portal.apps.bulletin import store as bulletin
from portal.apps.scheduler import store as scheduler
from portal.apps.todo import store as todo
from portal.db import open_data_file
from portal.instance import Instance
from portal.users import User, removable, remove_user, reserve_ids

# system.db's schema version from which removed people are kept (datafiles/system.py, 5).
KEEPS_REMOVED = 5


def remove(instance: Instance, login: str, now: datetime) -> tuple[User, int, int]:
    """Remove a person: their to-dos and events first (so a failure leaves them whole
    and the removal can be repeated), then their account. Returns the person and how
    many to-dos and events were deleted. UserError for nobody or the Administrator."""
    with open_data_file("system.db", instance) as system:
        person = removable(system, login)
        todos = _in(instance, "todo.db", lambda conn: todo.delete_all_of(conn, person.id))
        events = _in(instance, "schedule.db", lambda conn: scheduler.delete_all_of(conn, person.id))
        remove_user(system, login, now)
    return person, todos, events


def reserve_orphan_ids(instance: Instance, now: datetime) -> int:
    """Ids that own to-dos, events or posts but belong to nobody (people removed before
    ids were kept): reserve them so that no new person is given one. Run once, when
    system.db is upgraded to keep removed people."""
    ids = (
        _in(instance, "todo.db", todo.owner_ids)
        | _in(instance, "schedule.db", scheduler.owner_ids)
        | _in(instance, "bulletin.db", bulletin.author_ids)
    )
    with open_data_file("system.db", instance) as system:
        return reserve_ids(system, ids, now)


def _in(instance: Instance, name: str, work):
    with open_data_file(name, instance) as conn:
        return work(conn)
