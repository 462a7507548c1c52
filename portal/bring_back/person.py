"""Bring back a removed colleague (issue 23, item 4): from a copy of system.db taken
before the removal, their account (the same id, login, name, group and password, or a new
password; no session: those stay ended) and their place in the Data Backup Group; then,
from the newest copies of todo.db and schedule.db that still hold them, their to-dos and
events. Their posts never left; with the account back they are no longer "(removed)"."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.backup import BackupError
from portal.backup.layout import GENERATIONS, copy_words
from portal.bring_back.bring import BringBackError, bring_back
from portal.bring_back.copies import CopyRef, opened
from portal.bring_back.kinds import KINDS
from portal.clock import to_db
from portal.data_backup.service import DataBackup
from portal.db import open_data_file, transaction
from portal.instance import Instance
from portal.unit_of_work import UnitOfWork

PERSON = (
    "SELECT u.id, u.login, u.name, u.password_hash, u.created_at, g.name"
    " FROM users u LEFT JOIN groups g ON g.id = u.group_id WHERE u.login = ?"
)


@dataclass
class PersonBack:
    login: str
    name: str
    group: str | None
    in_backup_group: bool
    items: list[str] = field(default_factory=list)  # what came back, in sentences

    def sentences(self) -> list[str]:
        group = f" in {self.group}" if self.group else ""
        member = ", in the Data Backup Group again" if self.in_backup_group else ""
        return [f"{self.name} ({self.login}) is back{group}{member}.", *self.items]


def bring_back_person(
    instance: Instance,
    service: DataBackup,
    login: str,
    ref: CopyRef,
    who: str,
    password_hash: str | None = None,
    force: bool = False,
) -> PersonBack:
    """Bring `login` back from the copy `ref` of system.db; BringBackError (nothing
    changed) when the copy does not hold them or they, or their login, are live."""
    words = ref.words("system.db")
    with opened(instance, service, "system.db", ref, who, force=force) as copy:
        row = copy.execute(PERSON, (login.strip(),)).fetchone()
        if row is None:
            raise BringBackError(
                f"{words[0].upper()}{words[1:]} has nobody with the login "
                f"{login.strip()!r}; nothing was brought back."
            )
        person_id, login, name, old_hash, created_at, group = row
        member = copy.execute(
            "SELECT 1 FROM backup_group_members WHERE user_id = ?", (person_id,)
        ).fetchone()
    back = PersonBack(login, name, None, member is not None)
    with open_data_file("system.db", instance) as system, transaction(system):
        if system.execute(
            "SELECT 1 FROM users WHERE id = ? OR login = ?", (person_id, login)
        ).fetchone():
            raise BringBackError(
                f"{login} has an account now, or someone else has that login: nothing was "
                "brought back."
            )
        found = system.execute("SELECT id, name FROM groups WHERE name = ?", (group,)).fetchone()
        back.group = found[1] if found else None
        system.execute(
            "INSERT INTO users (id, login, name, group_id, password_hash, is_admin, created_at)"
            " VALUES (?, ?, ?, ?, ?, 0, ?)",
            (
                person_id,
                login,
                name,
                found[0] if found else None,
                password_hash or old_hash,
                created_at,
            ),
        )
        system.execute("DELETE FROM removed_users WHERE id = ?", (person_id,))
        if back.in_backup_group:
            system.execute(
                "INSERT OR IGNORE INTO backup_group_members (user_id, added_at) VALUES (?, ?)",
                (person_id, to_db(instance.clock.now())),
            )
        people = {r[0] for r in system.execute("SELECT id FROM users")}
    for name_of_file in ("todo.db", "schedule.db"):
        back.items.append(_their_items(instance, service, name_of_file, person_id, people, who))
    with UnitOfWork.of(instance) as unit:
        unit.audit(
            "person brought back",
            who,
            f"from {words}: " + " ".join(back.sentences()),
        )
    return back


def newest_copy_holding(
    instance: Instance, service: DataBackup, user_id: int, who: str
) -> CopyRef | None:
    """The newest local copy of system.db that holds the person `user_id` (removed
    since), or None: where the page's "bring the person back first" leads."""
    for generation in range(GENERATIONS + 1):
        ref = CopyRef(generation)
        try:
            with opened(instance, service, "system.db", ref, who) as copy:
                if copy.execute("SELECT 1 FROM users WHERE id = ?", (user_id,)).fetchone():
                    return ref
        except BackupError:
            continue  # no copy at that generation, or one that cannot be proven
    return None


def _their_items(instance, service, name: str, person_id: int, people: set[int], who: str) -> str:
    """The person's items from the newest copy of `name` that holds any, said."""
    kind = KINDS[name]
    for generation in range(GENERATIONS + 1):
        try:
            with (
                opened(instance, service, name, CopyRef(generation), who) as copy,
            ):
                ids = [r[0] for r in copy.execute(kind.select_of_owner(), (person_id,))]
                if not ids:
                    continue
                with open_data_file(name, instance) as live:
                    done = bring_back(copy, live, kind, ids, people)
        except BackupError:
            continue  # no copy at that generation, or one that cannot be proven: an older one
        label = kind.label if len(done) == 1 else f"{kind.label}s"
        return f"{len(done)} {label} from {copy_words(generation)} of {name}."
    return f"No copy of {name} holds any {kind.label} of theirs."
