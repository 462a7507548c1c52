"""Restore one data file from one generation: verify the copy, keep a safety copy of
the live file in backup/pre-restore/, then write the copy into the live database through
SQLite so the running portal sees the restored data at once. No other file is touched."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from portal.backup import ledger as ledger_mod
from portal.backup.errors import RestoreError
from portal.backup.layout import Layout, generation_label


@dataclass(frozen=True)
class RestoreResult:
    name: str
    generation: int
    taken_at: datetime
    safety_copy: Path


def restore(
    layout: Layout, ops, name: str, live: Path, generation: int, now: datetime
) -> RestoreResult:
    """Restore `name` from `generation` (0 = newest); on RestoreError the live file is as it was."""
    copy = layout.slot(name, generation)
    label = generation_label(generation)
    if not copy.exists():
        raise RestoreError(f"There is no copy of {name} at generation {label}.")
    problem = ops.check(copy, thorough=True)
    if problem:
        raise RestoreError(f"The copy of {name} at {label} is damaged ({problem}); not restored.")
    entries, _note = ledger_mod.read(layout.ledger)
    stat = copy.stat()
    on_disk = ledger_mod.OnDisk(
        name, generation, copy, datetime.fromtimestamp(int(stat.st_mtime), now.tzinfo), stat.st_size
    )
    entry = ledger_mod.find(entries, on_disk)
    if entry is not None and ops.sha256(copy) != entry.sha256:
        raise RestoreError(
            f"The copy of {name} at {label} does not match its SHA-256 in backup.txt; not restored."
        )

    ops.mkdir(layout.pre_restore)
    stem, dot, suffix = name.rpartition(".")
    safety = layout.pre_restore / f"{stem}-{now:%Y%m%d-%H%M%S}{dot}{suffix}"
    partial = layout.partial(name)
    try:
        ops.snapshot(live, partial)
        ops.make_private(partial)
        ops.fsync_file(partial)
        ops.replace(partial, safety)
        ops.fsync_dir(layout.pre_restore)
    except Exception as exc:
        with contextlib.suppress(OSError):
            ops.unlink(partial)
        raise RestoreError(
            f"The safety copy of the live {name} could not be made ({exc}); not restored."
        ) from exc
    try:
        ops.restore_into(copy, live)
    except Exception as exc:
        raise RestoreError(
            f"Restoring {name} failed ({exc}). The data as it was is kept in {safety}."
        ) from exc
    return RestoreResult(name, generation, on_disk.taken_at, safety)
