"""A restore from an off-site day: the copy its manifest records, proven as a local copy
is (SHA-256, SQLite's check, the right kind); a sealed copy is opened first into a local
work file, and refused when it does not open with the portal's keys."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path

from portal.backup import BackupEngine, RestoreError
from portal.backup.errors import UnprovenCopy
from portal.backup.restore import Candidate, RestoreResult
from portal.data_backup.offsite_folder import folder
from portal.instance import Instance
from portal.offsite import OffsiteError, OffsiteFolder
from portal.offsite.seal import SealError


def restore_candidate(
    target: OffsiteFolder,
    name: str,
    day: date,
    opened: list[Path] | None = None,
    not_done: str = "Nothing was restored.",
) -> Candidate:
    """The off-site copy of `name` of `day`, as a restore takes it (read under the lock,
    or opened to bring items back: `not_done` says what did not happen). A sealed copy is
    opened first into a local work file (added to `opened`, which the caller removes);
    one that does not open with the portal's keys is refused."""
    try:
        if problem := target.problem():
            raise OffsiteError(problem)
        manifest = target.day(day).manifest
    except OffsiteError as exc:
        raise RestoreError(f"{exc} {not_done}") from exc
    item = manifest.item(name)
    if item is None:
        raise RestoreError(f"The off-site copy of {day} has no {name}. {not_done}")
    path = target.path_of(item)
    if not target.is_copy(path):
        raise RestoreError(
            f"The off-site copy of {name} of {day} is missing, or is a link or a special "
            f"file at {path} (not a copy the portal made). {not_done}"
        )
    if item.sealed:
        try:
            local, _digest = target.within_limit(lambda: target.open_copy(path))
        except SealError as exc:  # unproven, as a copy whose SHA-256 differs (never forced)
            raise UnprovenCopy(
                f"The off-site copy of {name} of {day} was refused: {exc}. {not_done}",
                str(exc),
            ) from exc
        except OSError as exc:
            raise RestoreError(
                f"The off-site copy of {name} of {day} cannot be read ({exc}). {not_done}"
            ) from exc
        if opened is not None:
            opened.append(local)
        path = local
    return Candidate(
        path,
        f"The off-site copy of {name} of {day}",
        item.sha256,
        item.taken_at,
        record=f"the manifest of {day}",
        work_file=item.sealed,
    )


def restore(
    engine: BackupEngine,
    name: str,
    day: date,
    who: str,
    instance: Instance,
    target: OffsiteFolder | None = None,
) -> RestoreResult:
    """Restore one data file from an off-site day (of `target`, by default the off-site
    folder set), with every check of a local restore."""
    target = target or folder(instance)
    if target is None:
        raise RestoreError("No off-site folder is set. Nothing was restored.")
    opened: list[Path] = []
    try:
        return engine.restore_from(
            name,
            lambda: restore_candidate(target, name, day, opened),
            f"the off-site copy of {day}",
            who=who,
        )
    finally:
        for path in opened:  # the opened copy is a work file, never kept
            with contextlib.suppress(OSError):
                path.unlink()
