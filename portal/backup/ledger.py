"""backup.txt: a plain-text record a person can read of every copy in the backup
folder: file, generation, when it was taken, size, SHA-256 and who took it.

The ledger is derived state. Each copy's file time is set to the moment it was taken,
so the folder describes itself; the ledger adds the SHA-256 and who took it. When the
ledger is missing or damaged, it is rebuilt from the copies on disk and work goes on."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from pathlib import Path

from portal.backup.layout import GENERATIONS, Layout, generation_label

HEADER = """\
# backup.txt: the Data Backup ledger of the Office Portal.
# One line per copy, fields separated by tabs:
#   file, generation (newest; 1 = the copy before it, ... 7 = the oldest; "new" while a copy
#   is being put in place), taken at, size in bytes, SHA-256, taken by.
# The portal rewrites this file after every backup and rebuilds it from the copies on
# disk if it is missing or damaged. Reading it is safe; there is no need to edit it.
"""
TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"
UNKNOWN = "unknown (ledger rebuilt)"
_SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Entry:
    """One copy: which data file, where it sits, when it was taken, what it holds."""

    name: str
    generation: str  # "newest", "1".."7", or "new"
    taken_at: datetime
    size: int
    sha256: str
    taken_by: str

    def same_copy(self, name: str, taken_at: datetime, size: int) -> bool:
        """Whether this entry describes the copy with this name, time stamp and size."""
        return (
            self.name == name
            and int(self.taken_at.timestamp()) == int(taken_at.timestamp())
            and self.size == size
        )


@dataclass(frozen=True)
class OnDisk:
    """A copy found in a generation slot."""

    name: str
    generation: int
    path: Path
    taken_at: datetime
    size: int


def _clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").split()) or "unknown"


def render(entries: list[Entry]) -> str:
    """The ledger's text."""
    lines = [HEADER]
    for e in entries:
        lines.append(
            "\t".join(
                (
                    e.name,
                    e.generation,
                    e.taken_at.strftime(TIME_FORMAT),
                    str(e.size),
                    e.sha256,
                    _clean(e.taken_by),
                )
            )
            + "\n"
        )
    return "".join(lines)


def parse(text: str) -> tuple[list[Entry], bool]:
    """Entries from a ledger's text, and whether any line was damaged (and skipped)."""
    entries, damaged = [], False
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        try:
            name, generation, taken, size, sha, by = fields
            entry = Entry(
                name, generation, datetime.strptime(taken, TIME_FORMAT), int(size), sha, by
            )
        except ValueError:
            damaged = True
            continue
        if not _SHA.match(sha) or entry.size < 0:
            damaged = True
            continue
        entries.append(entry)
    return entries, damaged


def read(path: Path) -> tuple[list[Entry], str | None]:
    """The ledger's entries, and a note if it was missing or damaged."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [], f"{path.name} was missing"
    except (OSError, UnicodeDecodeError) as exc:
        return [], f"{path.name} could not be read ({exc})"
    entries, damaged = parse(text)
    return entries, (f"{path.name} had damaged lines" if damaged else None)


def scan(layout: Layout, names: list[str], zone: tzinfo) -> list[OnDisk]:
    """Every copy of the named data files found in the generation slots."""
    found = []
    for name in names:
        for generation in range(GENERATIONS + 1):
            path = layout.slot(name, generation)
            try:
                stat = path.stat()
            except (FileNotFoundError, NotADirectoryError):
                continue
            found.append(
                OnDisk(
                    name,
                    generation,
                    path,
                    datetime.fromtimestamp(int(stat.st_mtime), zone),
                    stat.st_size,
                )
            )
    return found


def find(entries: list[Entry], copy: OnDisk) -> Entry | None:
    """The ledger entry describing a copy on disk, wherever the ledger last saw it."""
    for entry in entries:
        if entry.same_copy(copy.name, copy.taken_at, copy.size):
            return entry
    return None


def reconcile(entries: list[Entry], on_disk: list[OnDisk], sha256) -> list[Entry]:
    """The ledger as the disk now stands: one entry per copy, at its current slot.
    Copies the ledger does not know are described afresh (`sha256(path)` hashes them)."""
    result = []
    for copy in on_disk:
        known = find(entries, copy)
        label = generation_label(copy.generation)
        if known is not None:
            result.append(replace(known, generation=label, taken_at=copy.taken_at))
        else:
            result.append(
                Entry(copy.name, label, copy.taken_at, copy.size, sha256(copy.path), UNKNOWN)
            )
    return result
