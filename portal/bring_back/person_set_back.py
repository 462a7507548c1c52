"""Set a colleague back to a copy of system.db (issue 23, item 3 for people): a person
changed since (their login, name, group, Data Backup Group place, password) is set back
to the copy's version, only when the administrator chooses it. One transaction; a
password set back ends their sessions, as a new password does. Not the Administrator's
account (`set-admin-password` is its door), and not a login someone else has now."""

from __future__ import annotations

from portal.bring_back.bring import BringBackError
from portal.bring_back.copies import CopyRef, opened
from portal.bring_back.system_copy import CHANGED, people_and_groups
from portal.clock import to_db
from portal.data_backup.service import DataBackup
from portal.db import open_data_file, transaction
from portal.instance import Instance
from portal.unit_of_work import UnitOfWork

ROW = (
    "SELECT u.login, u.name, g.name, u.password_hash, u.is_admin, u.created_at,"
    " m.user_id IS NOT NULL FROM users u LEFT JOIN groups g ON g.id = u.group_id"
    " LEFT JOIN backup_group_members m ON m.user_id = u.id WHERE u.id = ?"
)


def set_back_person(
    instance: Instance,
    service: DataBackup,
    ref: CopyRef,
    user_id: int,
    who: str,
    force: bool = False,
) -> str:
    """Set the person `user_id` back to the copy's version; what was done, in a sentence.
    BringBackError (nothing changed) when they are not changed since, are the
    Administrator, or the copy's login or group cannot be had now."""
    people, _groups = people_and_groups(instance, service, ref, who, force)
    entry = next((p for p in people if p.id == user_id), None)
    if entry is None or entry.state != CHANGED:
        raise BringBackError("This person is not changed since the copy; nothing was set back.")
    with opened(instance, service, "system.db", ref, who, force=force) as copy:
        login, name, group, digest, is_admin, created_at, member = copy.execute(
            ROW, (user_id,)
        ).fetchone()
    if is_admin:
        raise BringBackError(
            "The Administrator's account is not set back from a copy: use "
            "`flask --app portal set-admin-password`. Nothing was set back."
        )
    with open_data_file("system.db", instance) as live, transaction(live):
        now = live.execute(ROW, (user_id,)).fetchone()
        if now is None or now[5] != created_at:
            raise BringBackError("This person is not the copy's any more; nothing was set back.")
        other = live.execute(
            "SELECT 1 FROM users WHERE login = ? AND id != ?", (login, user_id)
        ).fetchone()
        if other:
            raise BringBackError(f"Someone else has the login {login!r} now; nothing was set back.")
        group_id = None
        if group is not None:
            found = live.execute("SELECT id FROM groups WHERE name = ?", (group,)).fetchone()
            if found is None:
                raise BringBackError(
                    f"The group {group} was deleted since: bring it back first. Nothing was "
                    "set back."
                )
            group_id = found[0]
        live.execute(
            "UPDATE users SET login = ?, name = ?, group_id = ?, password_hash = ? WHERE id = ?",
            (login, name, group_id, digest, user_id),
        )
        if digest != now[3]:  # an old password again: every session ends, as on a new one
            live.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
        if member:
            live.execute(
                "INSERT OR IGNORE INTO backup_group_members (user_id, added_at) VALUES (?, ?)",
                (user_id, to_db(instance.clock.now())),
            )
        else:
            live.execute("DELETE FROM backup_group_members WHERE user_id = ?", (user_id,))
    said = f"{name} ({login}) is set back to {ref.words('system.db')}: {', '.join(entry.changed)}."
    with UnitOfWork.of(instance) as unit:
        unit.audit("person set back", who, said)
    return said
