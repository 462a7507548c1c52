"""Data Backup's audit entry written on its own (the off-site verify, the rebuild, the
weekly verify), the way the service writes its own: in a unit of work on system.db
(portal/unit_of_work.py), so that a full disk or a missing system.db costs the entry,
which the log names, never the step it records."""

from __future__ import annotations

from portal.instance import Instance
from portal.unit_of_work import UnitOfWork


def records(instance: Instance) -> UnitOfWork:
    """A unit of work on `instance`'s system.db (open it with `with`)."""
    return UnitOfWork.of(instance)


def audit_entry(
    instance: Instance, action: str, actor: str, detail: str, user_id: int | None
) -> None:
    """Write one audit entry for `instance`'s portal if system.db takes it."""
    with records(instance) as unit:
        unit.audit(action, actor, detail, user_id)
