"""What on the off-site folder is the portal's own, told by what the portal wrote there,
never by a name alone. A day folder is its own when it is a real folder (not a link)
directly under the off-site folder holding the portal's manifest, or the day marker the
portal writes first into each day folder it makes. A folder merely named like a day
(someone's `2026-10-15` holding their own files) is someone else's: never listed as a
day, pruned or read, only reported."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from portal.offsite import manifest as manifest_mod
from portal.offsite import place, trusted
from portal.offsite.confined import Confined
from portal.offsite.errors import OffsiteError
from portal.offsite.manifest import SEALED_SUFFIX, Manifest, manifest_number
from portal.offsite.seal import Seal
from portal.offsite.share_words import is_unreachable, share_error
from portal.offsite.trusted import MANIFEST_MAX_BYTES, read_small

__all__ = ["MANIFEST_MAX_BYTES", "read_small"]  # for folder.py and the keys' first survey


class OffsiteFolder(Protocol):
    """What these functions read of an OffsiteFolder (folder.py, which uses them)."""

    root: Path
    confined: Confined
    owner: str
    names: tuple[str, ...]
    seal: Seal | None

    @property
    def kept_copies(self) -> Path: ...


KEPT_COPIES = "kept-copies"
PARTIAL = ".partial"
DAY_MARKER = ".office-portal-day"  # written first into each day folder the portal makes

_DAY_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WORK_FILE = re.compile(r"^\..+\.[0-9a-f]{8,12}\.partial$")
SECOND_COPY = re.compile(r"^[A-Za-z0-9_]+-\d{1,4}\.db(?:\.age)?$")
WORK_FOLDER = re.compile(r"^\.\d{4}-\d{2}-\d{2}\.[0-9a-f]{8}\.partial$")


def copy_names(names) -> set[str]:
    """The names a copy of each data file has in a day folder: todo.db, or sealed
    todo.db.age."""
    return {name for data_file in names for name in (data_file, data_file + SEALED_SUFFIX)}


def as_day(name: str) -> date | None:
    """The day a folder is named after ('2026-11-27'), or None for any other name."""
    if not _DAY_NAME.match(name):  # fromisoformat alone would take '2026-W48-5' too
        return None
    try:
        return date.fromisoformat(name)
    except ValueError:
        return None


@dataclass(frozen=True)
class DayFolder:
    """A day folder the portal made: complete when its manifest is there, every line of
    it readable, and it records a copy of every data file."""

    day: date
    path: Path
    manifest: Manifest | None
    problem: str | None = None  # why the manifest cannot be read, or what it lacks
    strays: tuple[str, ...] = ()  # entries in it that the portal did not make
    manifests: tuple[str, ...] = ()  # its manifest files, newest first
    # Its newest manifest is sealed but not by this portal's keys, or was moved from
    # another day: never offered, verified as good, reused or pruned; only reported.
    forged: bool = False

    @property
    def sealed(self) -> bool:
        return self.manifest is not None and self.manifest.sealed

    @property
    def complete(self) -> bool:
        return self.manifest is not None and self.problem is None

    @property
    def damaged(self) -> bool:
        """It has a manifest, but one that cannot be trusted whole (a bad line, a data
        file missing): reported, and kept like a complete day until it ages out."""
        return self.problem is not None and self.manifest is not None


@dataclass
class Survey:
    """Everything directly under the off-site folder, sorted into the portal's own and
    the rest."""

    days: list[DayFolder] = field(default_factory=list)  # oldest first
    strays: list[str] = field(default_factory=list)  # what the portal did not make, in words
    work: list[Path] = field(default_factory=list)  # day folders being made when a try stopped


def _lost(folder: OffsiteFolder, exc: OSError) -> None:
    """A share lost half-way through a listing is said as such (OffsiteError): a day
    is never called incomplete, nor not the portal's, because the share went away."""
    if is_unreachable(exc):
        raise OffsiteError(
            f"The off-site folder {folder.root} cannot be reached: {share_error(exc)}."
        ) from exc


def survey(folder: OffsiteFolder) -> Survey:
    """The portal's day folders (oldest first) and everything else, never following
    a link. OffsiteError when the folder cannot be read."""
    found = Survey()
    try:
        entries = sorted(folder.confined.entries(folder.root))
    except OSError as exc:
        raise OffsiteError(
            f"The off-site folder {folder.root} cannot be read: {share_error(exc)}."
        ) from exc
    for name, kind in entries:
        if name == place.MARKER_NAME and kind == "file":
            continue
        if name == KEPT_COPIES and kind == "dir":
            found.strays.extend(_kept_strays(folder))
            continue
        if kind == "dir" and WORK_FOLDER.match(name) and is_work(folder, folder.root / name):
            found.work.append(folder.root / name)
            continue
        day = as_day(name)
        own = own_day(folder, day, folder.root / name) if day and kind == "dir" else None
        if own is None:
            found.strays.append(_stray_words(name, kind))
            continue
        found.days.append(own)
        found.strays.extend(f"{name}/{stray}" for stray in own.strays)
    return found


def own_day(folder: OffsiteFolder, day: date, path: Path) -> DayFolder | None:
    """The day folder at `path` if the portal made it, else None. Its manifest is the
    newest of manifest.txt, manifest-2.txt, ... (a later run that day writes the next)."""
    try:
        names = [n for n, kind in folder.confined.entries(path) if kind == "file"]
    except OSError as exc:
        _lost(folder, exc)
        return None
    manifests = tuple(
        sorted((n for n in names if manifest_number(n)), key=manifest_number, reverse=True)
    )
    text = None
    try:
        for name in manifests:
            text, forged = trusted.manifest_text(folder, day, path, name)
            if forged:
                return DayFolder(day, path, None, forged, (), manifests, forged=True)
            if text is not None and manifest_mod.is_manifest_of(day, text):
                break
    except OSError as exc:
        _lost(folder, exc)
        if not has_day_marker(folder, path):
            return None
        return DayFolder(day, path, None, f"its manifest cannot be read ({exc})", (), manifests)
    if text is not None and manifest_mod.is_manifest_of(day, text):
        manifest = manifest_mod.read(day, text)
        if manifest.owner not in ("", folder.owner):
            return None  # another portal's day
        return _judged(folder, day, path, manifest, manifests)
    if not has_day_marker(folder, path):
        return None
    if text is not None:
        return DayFolder(day, path, None, "its manifest is not one the portal wrote", (), manifests)
    return DayFolder(day, path, None, strays=_day_strays(folder, path, None), manifests=manifests)


def _judged(
    folder: OffsiteFolder, day: date, path: Path, manifest: Manifest, manifests: tuple
) -> DayFolder:
    problem = None
    if manifest.bad_lines:
        lines = ", ".join(str(n) for n in manifest.bad_lines[:5])
        problem = f"its manifest cannot be read whole (line {lines})"
    elif missing := [n for n in folder.names if manifest.item(n) is None]:
        problem = f"its manifest has no copy of {', '.join(missing)}"
    elif not manifest.items:
        problem = "its manifest records no copy"
    elif manifest.sealed and (loose := [i.name for i in manifest.items if not i.sealed]):
        problem = f"its sealed manifest records a copy that is not sealed ({', '.join(loose)})"
    strays = _day_strays(folder, path, manifest)
    return DayFolder(day, path, manifest, problem, strays, manifests)


def is_work(folder: OffsiteFolder, path: Path) -> bool:
    """A day folder the portal was making (marked, or still empty) when a try stopped."""
    try:
        entries = folder.confined.entries(path)
    except OSError as exc:
        _lost(folder, exc)
        return False
    return not entries or has_day_marker(folder, path)


def has_day_marker(folder: OffsiteFolder, path: Path) -> bool:
    try:
        text = read_small(folder, path / DAY_MARKER, place.MARKER_MAX_BYTES)
    except OSError as exc:
        _lost(folder, exc)
        return False
    marker = place.parse_marker(text) if text else None
    return marker is not None and marker.owner == folder.owner


def _day_strays(folder: OffsiteFolder, path: Path, manifest: Manifest | None) -> tuple[str, ...]:
    own = {DAY_MARKER, *copy_names(folder.names)}
    if manifest is not None:
        own.update(item.stored_name for item in manifest.items)
    try:
        entries = folder.confined.entries(path)
    except OSError as exc:
        _lost(folder, exc)
        return ()
    return tuple(
        _stray_words(name, kind)
        for name, kind in sorted(entries)
        if not (kind == "file" and (name in own or is_own_name(name)))
    )


def is_own_name(name: str) -> bool:
    """A manifest, a work file, or a copy a later run that day wrote ('todo-2.db')."""
    return bool(manifest_number(name) or WORK_FILE.match(name) or SECOND_COPY.match(name))


def _kept_strays(folder: OffsiteFolder) -> list[str]:
    strays = []
    try:
        entries = sorted(folder.confined.entries(folder.kept_copies))
    except OSError as exc:
        _lost(folder, exc)
        return strays
    for name, kind in entries:
        if kind != "dir" or as_day(name) is None:
            strays.append(f"{KEPT_COPIES}/{_stray_words(name, kind)}")
    return strays


def _stray_words(name: str, kind: str | None) -> str:
    what = {"dir": "a folder", "file": "a file"}.get(kind or "", "a link or special file")
    return f"{name} ({what} the portal did not make)"
