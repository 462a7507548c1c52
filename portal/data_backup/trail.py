"""Data Backup's unit of work on system.db for one instance (unit_of_work.py, which knows no
Flask, built from the instance's settings), and an audit entry written on its own (the
off-site verify, the rebuild, the commands' off-site steps) the way the service writes its
own: a full disk or a missing system.db costs the entry, which the log names, never the
step it records."""

from __future__ import annotations

from portal.data_backup.unit_of_work import UnitOfWork
from portal.db import data_path
from portal.instance import Instance


def records(instance: Instance) -> UnitOfWork:
    """A unit of work on `instance`'s system.db (open it with `with`)."""
    busy = instance.busy_timeout_ms
    return UnitOfWork(
        data_path("system.db", instance.data_dir), busy, instance.clock, instance.logger
    )


def audit_entry(
    instance: Instance, action: str, actor: str, detail: str, user_id: int | None
) -> None:
    """Write one audit entry for `instance`'s portal if system.db takes it."""
    with records(instance) as unit:
        unit.audit(action, actor, detail, user_id)
