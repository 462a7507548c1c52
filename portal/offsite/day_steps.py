"""The steps on one day folder: making it (marked before it has its name), naming a
copy so that it is never written over another, writing the next manifest beside the
earlier one, and tidying what the new manifest no longer uses."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import date
from pathlib import Path

from portal.offsite import manifest as manifest_mod
from portal.offsite.days import DAY_MARKER, PARTIAL, SECOND_COPY, DayFolder, copy_names
from portal.offsite.errors import OffsiteError
from portal.offsite.folder import OffsiteFolder
from portal.offsite.manifest import Manifest
from portal.offsite.place import render_marker


def free_name(folder: OffsiteFolder, target: Path, name: str, suffix: str = "") -> str:
    """The data file's name in the day folder (sealed: + '.age'), or 'todo-2.db' (-3 ...)
    when a copy of an earlier run that day has it: a copy is never written over another."""
    names = {entry for entry, _kind in folder.confined.entries(target)}
    if name + suffix not in names:
        return name + suffix
    number = 2
    while manifest_mod.later_copy_name(name, number) + suffix in names:
        number += 1
    return manifest_mod.later_copy_name(name, number) + suffix


def next_manifest(folder: OffsiteFolder, target: Path) -> tuple[str, int]:
    """The next manifest's name and number that day (sealed when the folder seals)."""
    numbers = [
        manifest_mod.manifest_number(name) or 0 for name, _k in folder.confined.entries(target)
    ]
    number = max(numbers, default=0) + 1
    return manifest_mod.manifest_name(number, sealed=folder.seal is not None), number


def with_stored_names(manifest: Manifest, stored: dict[str, str]) -> Manifest:
    items = [
        replace(item, file=stored[item.name] if stored[item.name] != item.name else "")
        if item.name in stored
        else item
        for item in manifest.items
    ]
    return replace(manifest, items=items)


def tidy_day(folder: OffsiteFolder, target: Path, manifest: Manifest, result) -> None:
    """Once the new manifest is whole: the day's earlier manifests and the copies only
    they used go (best effort: what stays is the portal's own and is tidied next time)."""
    used = {i.stored_name for i in manifest.items if i.stored_in == manifest.day}
    own = copy_names({*folder.names, *(i.name for i in manifest.items)})
    try:
        newest = max(
            (manifest_mod.manifest_number(n) or 0 for n, _k in folder.confined.entries(target)),
            default=0,
        )
        for name, kind in folder.confined.entries(target):
            if kind != "file" or name in used or name == DAY_MARKER:
                continue
            number = manifest_mod.manifest_number(name)
            if number is not None and number < newest:
                folder.ops.unlink(target / name)
            elif number is None and (name in own or SECOND_COPY.match(name)):
                folder.ops.delete_copy(target / name)
    except OSError as exc:
        result.notes.append(f"Earlier copies of {manifest.day} could not be tidied ({exc}).")


def day_folder(folder: OffsiteFolder, day: date, days: list[DayFolder]) -> bool:
    """The day folder: the portal's own from an earlier try, or made now. A new one is
    made under a work name with the day marker in it, then renamed into place, so a day
    folder never exists unmarked (a kill leaves only a marked work folder, cleaned up by
    the next run). A folder of that name that the portal did not make is left alone, and
    nothing is sent. True when it was made now."""
    target = folder.day_path(day)
    if any(d.day == day for d in days):
        return False
    if folder.confined.kind(target) is not None:
        raise OffsiteError(
            f"The off-site folder holds a folder {target.name} that the portal did not make; "
            "it was left as it is, and today's copy was not sent. Move it out of the "
            f"off-site folder {folder.root}."
        )
    work = folder.work_folder(day)
    folder.ops.mkdir_share(work)
    try:
        folder.ops.write_atomic(work / DAY_MARKER, render_marker(folder.owner, folder.instance))
        folder.ops.rename_folder(work, target)
    except OSError:
        remove_unfinished(folder, work)  # a full share keeps nothing half-made
        raise
    return True


def remove_unfinished(folder: OffsiteFolder, path: Path) -> None:
    """A day folder made by a try that failed before its manifest (a full share): what
    the portal wrote in it (copies, work files) and then, once nothing else is left,
    its marker and the folder, so that the space is free again. A folder that cannot be
    emptied keeps its marker: it stays known as the portal's, tidied by the next run."""
    with contextlib.suppress(OSError):
        own = copy_names(folder.names)
        for name, kind in folder.confined.entries(path):
            if kind == "file" and (
                name in own or SECOND_COPY.match(name) or name.endswith(PARTIAL)
            ):
                folder.ops.unlink(path / name)
        left = [name for name, _kind in folder.confined.entries(path)]
        if set(left) <= {DAY_MARKER}:
            if left:
                folder.ops.unlink(path / DAY_MARKER)
            folder.ops.rmdir(path)
