"""The copies found in the backup folder's generation slots, each paired with its record
in backup.txt (or none: unrecorded)."""

from __future__ import annotations

import os
from datetime import tzinfo
from pathlib import Path

from portal.backup.layout import (
    GENERATIONS,
    Layout,
    generation_label,
    generation_rank,
    same_second,
    taken_at,
)
from portal.backup.ledger import Copy, Entry, OnDisk


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
