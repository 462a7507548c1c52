"""backup.txt: the record of what was made. One line per copy, written when the copy
is made: file, generation, when it was taken, size, SHA-256 and who took it; and per data
file the latest day on which a copy was taken (so a clock stepped back never rotates).

The SHA-256 written when a copy is made is the truth about that copy. Losing the ledger
never stops a backup: its structure is rebuilt from the disk (each copy's file time is
the moment it was taken). But a rebuild never writes down a hash for bytes it did not
make: a copy found on disk without a record is *unrecorded*, never counted as verified,
and restoring it needs --force."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

from portal.backup.layout import (
    GENERATIONS,
    copy_label,
    generation_label,
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
# The longest line a record can be (a file name, a generation, a time, a size, a SHA-256,
# a login): a longer line is damage, and is never echoed whole into a message, the
# history, a mail or a webhook.
LONGEST_LINE = 1024
_SHOWN = 40


def short(text: str) -> str:
    """A piece of a damaged line as a message may show it: at most 40 characters."""
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


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
    unreadable: str | None = None  # there, but the portal cannot read it: nothing may run


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

    @property
    def taken_at(self) -> datetime:
        """When it was taken: as recorded, else the copy's own file time."""
        return self.record.taken_at if self.recorded else self.disk.taken_at


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
        raise ValueError(f"unknown generation {short(generation)}")
    if sha == UNRECORDED or by == _REBUILT_BEFORE:
        sha = ""
    elif not _SHA.match(sha):
        raise ValueError("the SHA-256 is not 64 hexadecimal digits")
    if not size.isascii() or not size.isdigit():
        raise ValueError(f"the size {short(size)} is not a number")
    return Entry(name, generation, _parse_time(taken), int(size), sha, by)


def _parse_time(text: str) -> datetime:
    """A time written with TIME_FORMAT. fromisoformat reads it forty times faster than
    strptime (the portal page reads the ledger for its Data Backup portlet)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"the time {short(text)} has no UTC offset")
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
        if len(line) > LONGEST_LINE:
            ledger.damage.append(
                f"backup.txt is damaged: line {number} is longer than any record can be "
                f"({len(line)} characters, starting {short(line)})"
            )
            continue
        if "\ufffd" in line:
            ledger.damage.append(f"backup.txt is damaged: line {number} is not UTF-8 text")
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
    """The ledger at `path`. Only a missing file gives an empty ledger (rebuilt from the
    copies); one that is there but cannot be read says so in `unreadable`, and nothing
    may run on it (a rebuild would throw away every recorded SHA-256). A UTF-8 byte order
    mark (Notepad writes one) is read as nothing; bytes that are not UTF-8 make their
    lines damaged, not the whole file."""
    try:
        data = read_bytes(path)
    except FileNotFoundError:
        return Ledger(missing=True, notes=[f"{path.name} was missing"])
    except OSError as exc:
        return Ledger(unreadable=f"{path} cannot be read ({exc.strerror or exc})")
    return parse(data.decode("utf-8", errors="replace").removeprefix("\ufeff"))


def read_bytes(path: Path) -> bytes:
    """The file's bytes (the seam where the tests make it unreadable)."""
    return path.read_bytes()


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


def latest_days(
    ledger: Ledger, copies: list[Copy], ignore: frozenset[date] = frozenset()
) -> dict[str, date]:
    """Per data file, the latest day on which a copy was taken: as remembered, else (a
    lost ledger) from the copies on disk; days in `ignore` (a clock's mistakes) left out."""
    days = {name: day for name, day in ledger.latest_day.items() if day not in ignore}
    for copy in copies:
        day = copy.taken_at.date()
        if day in ignore:
            continue
        if copy.disk.name not in days or day > days[copy.disk.name]:
            days[copy.disk.name] = day
    return days
