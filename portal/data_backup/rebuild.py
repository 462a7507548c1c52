"""Every data file from one off-site day: `backup restore --all --offsite DATE` on a
running portal, and `backup offsite rebuild FOLDER --kit FILE` on a new server, which
first takes on the old portal's id and keys from its recovery kit.

All or nothing, as far as files allow: every copy of the day is opened and proven
(SHA-256 from its sealed manifest, SQLite's check, the right kind) before the first file
is replaced; then each is restored with a safety copy of the file it replaces, and the
result of each is said. A file that fails then (a full disk) stops the rest, and the
ones already restored are named."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

from portal.backup import BackupError, RestoreError
from portal.backup.restore import RestoreResult
from portal.data_backup import offsite_folder, offsite_keys, recovery_kit
from portal.data_backup.service import DataBackup
from portal.data_backup.trail import audit_entry
from portal.data_health import wrong_kind
from portal.datafiles import DATA_FILES
from portal.db import open_data_file
from portal.instance import Instance, portal_id, set_portal_id
from portal.offsite import OffsiteError, OffsiteFolder
from portal.offsite.verify import check_item


@dataclass
class AllRestored:
    day: date
    restored: list[RestoreResult] = field(default_factory=list)


def newest_complete(target: OffsiteFolder) -> date:
    """The newest complete day of the off-site folder (OffsiteError when there is none)."""
    days = target.within_limit(lambda: [d.day for d in target.checked_survey().days if d.complete])
    if not days:
        raise OffsiteError(f"The off-site folder {target.root} holds no complete day.")
    return days[-1]


def prove_day(target: OffsiteFolder, day: date) -> None:
    """Open and check every copy of `day` (RestoreError naming each that fails)."""
    kinds = {spec.name: partial(wrong_kind, spec) for spec in DATA_FILES}

    def check() -> list[str]:
        manifest = target.day(day).manifest
        problems = []
        for spec in DATA_FILES:
            item = manifest.item(spec.name)
            if item is None:
                problems.append(f"{spec.name}: not in the copy of {day}")
            elif problem := check_item(target, item, kinds[spec.name]):
                problems.append(f"{spec.name}: {problem}")
        return problems

    try:
        problems = target.within_limit(check)
    except OffsiteError as exc:
        raise RestoreError(f"{exc} Nothing was restored.") from exc
    if problems:
        raise RestoreError(
            f"The off-site copy of {day} cannot be restored whole: {'; '.join(problems)}. "
            "Nothing was restored; choose another day (`backup offsite list`)."
        )


def restore_all(
    instance: Instance,
    service: DataBackup,
    day: date | None,
    who: str,
    target: OffsiteFolder | None = None,
    keep_present: bool = True,
) -> AllRestored:
    """Every data file from the off-site day `day` (None: the newest complete one)."""
    target = target or offsite_folder.folder(instance)
    if target is None:
        raise RestoreError("No off-site folder is set. Nothing was restored.")
    if day is None:
        day = newest_complete(target)
    prove_day(target, day)
    done = AllRestored(day)
    for spec in DATA_FILES:
        try:
            result = service.restore(
                spec.name, 0, who, offsite_day=day, target=target, keep_present=keep_present
            )
        except BackupError as exc:
            restored = ", ".join(r.name for r in done.restored) or "none"
            raise RestoreError(
                f"{exc} Restored before this: {restored}; the others were not restored."
            ) from exc
        done.restored.append(result)
    return done


def rebuild(
    instance: Instance, service: DataBackup, folder: str, kit_text: str, day: date | None, who: str
) -> AllRestored:
    """A new server from the off-site folder and the recovery kit: the old portal's id
    and keys taken on, every data file restored from `day` (default: the newest complete
    one), and the folder saved as this portal's off-site folder."""
    ident, keys = recovery_kit.parse(kit_text, instance.clock.today())
    if ident is None:
        raise RestoreError("The kit names no portal id (a line 'Portal id: ...').")
    own = offsite_keys.load(instance)
    if own is not None and portal_id(instance) != ident:
        raise RestoreError(
            f"This instance ({instance.path}) is another portal with off-site keys of "
            "its own: rebuild into a new instance folder (PORTAL_INSTANCE_PATH). Nothing "
            "was changed."
        )
    set_portal_id(instance, ident)
    seal = offsite_keys.adopt(instance, keys)
    target = offsite_folder.folder_at(folder, instance)
    target.seal = seal
    if problem := target.within_limit(target.problem):
        raise RestoreError(f"{problem} Nothing was restored.")
    done = restore_all(instance, service, day, who, target, keep_present=False)
    with open_data_file("system.db", instance) as conn:
        offsite_folder.save_dir(conn, str(Path(folder)))
    audit_entry(instance, "rebuilt from the off-site copy", who, f"of {done.day} in {folder}", None)
    return done
