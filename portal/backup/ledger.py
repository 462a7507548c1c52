"""backup.txt: the record of what was made. One line per copy, written when the copy
is made: file, generation, when it was taken, size, SHA-256 and who took it; and per data
file the latest day on which a copy was taken (so a clock stepped back never rotates).

The SHA-256 written when a copy is made is the truth about that copy. Losing the ledger
never stops a backup: its structure is rebuilt from the disk (each copy's file time is
the moment it was taken). But a rebuild never writes down a hash for bytes it did not
make: a copy found on disk without a record is *unrecorded*, never counted as verified,
and restoring it needs --force."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, tzinfo
from pathlib import Path

from portal.backup.layout import (
    GENERATIONS,
    Layout,
    copy_label,
    generation_label,
    generation_rank,
    same_second,
    taken_at,
)

HEADER = """\
# backup.txt: the Data Backup ledger of the Office Portal.
# One line per copy, fields separated by tabs:
#   file, generation (newest; 1 = the copy before it, ... 7 = the oldest; "new" while a copy
#   is being put in place), taken at, size in bytes, SHA-256 ("unrecorded" for a copy found
#   on disk without a record), taken by.
# "@latest-day" lines: per file, the latest day a copy was taken (rotation only moves forward).
# The SHA-256 is written when a copy is made and never changed afterwards. Reading this
# file is safe; do not edit it: a copy whose record is lost can only be restored with --force.
"""
TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"
UNRECORDED = "unrecorded"
UNKNOWN = "unknown (found on disk)"
# Lines written by earlier versions when they rebuilt the ledger: their SHA-256 was taken
# from whatever was on disk then, so it proves nothing.
_REBUILT_BEFORE = "unknown (ledger rebuilt)"
LATEST_DAY = "@latest-day"
_SHA = re.compile(r"^[0-9a-f]{64}$")
_LABELS = {"new", "newest", *(str(g) for g in range(1, GENERATIONS + 1))}


@dataclass(frozen=True)
class Entry:
    """One copy: which data file, where it sits, when it was taken, what it holds.
    `sha256` is empty for an unrecorded copy."""

    name: str
    generation: str  # "newest", "1".."7", or "new"
    taken_at: datetime
    size: int
    sha256: str
    taken_by: str

    @property
    def recorded(self) -> bool:
        """Whether the SHA-256 was written down when this copy was made."""
        return bool(self.sha256)


@dataclass
class Ledger:
    """What backup.txt says, and what was wrong with it."""

    entries: list[Entry] = field(default_factory=list)
    latest_day: dict[str, date] = field(default_factory=dict)
    damage: list[str] = field(default_factory=list)  # lines that cannot be trusted
    notes: list[str] = field(default_factory=list)  # harmless oddities, e.g. a repeated line
    missing: bool = False


@dataclass(frozen=True)
class OnDisk:
    """A copy found in a generation slot."""

    name: str
    generation: int
    path: Path
    taken_at: datetime  # its file time
    size: int


@dataclass(frozen=True)
class Copy:
    """A copy on disk and the record that describes it (None: unrecorded)."""

    disk: OnDisk
    record: Entry | None

    @property
    def label(self) -> str:
        return generation_label(self.disk.generation)

    @property
    def recorded(self) -> bool:
        return self.record is not None and self.record.recorded


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split()) or "unknown"


def render(entries: list[Entry], latest_day: dict[str, date]) -> str:
    """The ledger's text."""
    lines = [HEADER]
    for e in entries:
        fields = (
            e.name,
            e.generation,
            e.taken_at.strftime(TIME_FORMAT),
            str(e.size),
            e.sha256 or UNRECORDED,
            _clean(e.taken_by),
        )
        lines.append("\t".join(fields) + "\n")
    for name, day in latest_day.items():
        lines.append(f"{LATEST_DAY}\t{name}\t{day.isoformat()}\n")
    return "".join(lines)


def _parse_entry(fields: list[str]) -> Entry:
    """One copy line; ValueError saying what is wrong with it."""
    if len(fields) != 6:
        raise ValueError(f"{len(fields)} fields instead of 6")
    name, generation, taken, size, sha, by = fields
    if generation not in _LABELS:
        raise ValueError(f"unknown generation {generation!r}")
    if sha == UNRECORDED or by == _REBUILT_BEFORE:
        sha = ""
    elif not _SHA.match(sha):
        raise ValueError("the SHA-256 is not 64 hexadecimal digits")
    if not size.isascii() or not size.isdigit():
        raise ValueError(f"the size {size!r} is not a number")
    return Entry(name, generation, _parse_time(taken), int(size), sha, by)


def _parse_time(text: str) -> datetime:
    """A time written with TIME_FORMAT. fromisoformat reads it forty times faster than
    strptime (the portal page reads the ledger for its Data Backup portlet)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"the time {text!r} has no UTC offset")
    return moment


def parse(text: str) -> Ledger:
    """A ledger from its text. Damaged lines are skipped and named; a slot listed twice
    with different records is trusted in neither."""
    ledger = Ledger()
    by_slot: dict[tuple[str, str], tuple[int, Entry]] = {}
    conflicted: set[tuple[str, str]] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        try:
            if fields[0] == LATEST_DAY:
                if len(fields) != 3:
                    raise ValueError(f"{len(fields)} fields instead of 3")
                ledger.latest_day[fields[1]] = date.fromisoformat(fields[2])
                continue
            entry = _parse_entry(fields)
        except ValueError as exc:
            ledger.damage.append(f"backup.txt is damaged: line {number} cannot be read ({exc})")
            continue
        slot = (entry.name, entry.generation)
        if slot in by_slot:
            first_line, first = by_slot[slot]
            where = _where(entry.name, entry.generation)
            if first == entry:
                ledger.notes.append(
                    f"backup.txt lists {where} twice (lines {first_line} and {number}, the same)"
                )
            else:
                ledger.damage.append(
                    f"backup.txt lists {where} twice with different records (lines "
                    f"{first_line} and {number}); neither is trusted"
                )
                conflicted.add(slot)
            continue
        by_slot[slot] = (number, entry)
    ledger.entries = [entry for slot, (_n, entry) in by_slot.items() if slot not in conflicted]
    return ledger


def _where(name: str, generation: str) -> str:
    return f"{name} {copy_label(generation)}"


def read(path: Path) -> Ledger:
    """The ledger at `path`; a missing or unreadable file gives an empty ledger that says so."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Ledger(missing=True, notes=[f"{path.name} was missing"])
    except (OSError, UnicodeDecodeError) as exc:
        return Ledger(missing=True, damage=[f"{path.name} could not be read ({exc})"])
    return parse(text)


def scan(layout: Layout, names: list[str], zone: tzinfo) -> list[OnDisk]:
    """Every copy of the named data files found in the generation slots."""
    # Plain strings and os.stat: pathlib's joins were most of the portal page's cost of
    # its Data Backup portlet (32 slots looked at, most of them empty on a young site).
    folders = [
        os.path.join(layout.root, str(g)) if g else str(layout.root) for g in range(GENERATIONS + 1)
    ]
    found = []
    for name in names:
        for generation, folder in enumerate(folders):
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path)
            except (FileNotFoundError, NotADirectoryError):
                continue
            found.append(OnDisk(name, generation, Path(path), taken_at(stat, zone), stat.st_size))
    return found


def match(entries: list[Entry], on_disk: list[OnDisk]) -> tuple[list[Copy], list[Entry]]:
    """Pair each copy on disk with its record; return the copies and the records left over.

    In order: a record at the copy's own slot with its time stamp; then a record with its
    time stamp from a newer slot (a rotation the ledger did not see finish: copies only
    ever move older); then the record at the copy's own slot whatever its time stamp (a
    file time touched since). Size never decides: a copy whose bytes changed keeps its
    record, so verify can say so. A copy matched by none of these is unrecorded."""
    free = list(entries)
    pairs: dict[int, Entry] = {}

    def take(index: int, test) -> None:
        disk = on_disk[index]
        for entry in free:
            if entry.name == disk.name and test(entry, disk):
                pairs[index] = entry
                free.remove(entry)
                return

    rules = (
        lambda e, d: (
            e.generation == generation_label(d.generation) and same_second(e.taken_at, d.taken_at)
        ),
        lambda e, d: (
            generation_rank(e.generation) < d.generation and same_second(e.taken_at, d.taken_at)
        ),
        lambda e, d: e.generation == generation_label(d.generation),
    )
    for rule in rules:
        for index in range(len(on_disk)):
            if index not in pairs:
                take(index, rule)
    copies = [Copy(disk, pairs.get(i)) for i, disk in enumerate(on_disk)]
    return copies, free


def entries_for(copies: list[Copy]) -> list[Entry]:
    """The ledger lines for the copies as they now stand: every record kept as it was
    written (only its generation follows the copy), unrecorded copies described as found."""
    result = []
    for copy in copies:
        label = copy.label
        if copy.recorded:
            result.append(replace(copy.record, generation=label))
        else:
            disk = copy.disk
            by = copy.record.taken_by if copy.record is not None else UNKNOWN
            result.append(Entry(disk.name, label, disk.taken_at, disk.size, "", by))
    return result


def latest_days(ledger: Ledger, copies: list[Copy]) -> dict[str, date]:
    """Per data file, the latest day on which a copy was taken: as remembered, else (a
    lost ledger) from the copies on disk."""
    days = dict(ledger.latest_day)
    for copy in copies:
        taken = copy.record.taken_at if copy.recorded else copy.disk.taken_at
        day = taken.date()
        if copy.disk.name not in days or day > days[copy.disk.name]:
            days[copy.disk.name] = day
    return days
