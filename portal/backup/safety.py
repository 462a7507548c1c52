"""Safety copies: the live data file as it was before each restore, in
backup/pre-restore/ as `todo-20261127-142501.db` (`-2`, `-3` ... when a name is taken:
a name is never reused). Pruned by one rule, after each restore: per data file the
newest KEEP are kept, and every one younger than KEEP_DAYS days."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from portal.backup.layout import Layout

KEEP = 3
KEEP_DAYS = 7
_NAME = re.compile(r"^(?P<stem>.+)-(?P<when>\d{8}-\d{6})(?:-(?P<n>\d+))?(?P<suffix>\.[^.]+)$")


@dataclass(frozen=True)
class SafetyCopy:
    """A live file as it was before a restore."""

    name: str  # the data file, e.g. 'todo.db'
    path: Path
    taken_at: datetime
    size: int


def new_path(layout: Layout, name: str, now: datetime) -> Path:
    """A name in pre-restore/ that no safety copy has had (callers hold the backup lock)."""
    stem, dot, suffix = name.rpartition(".")
    base = f"{stem}-{now:%Y%m%d-%H%M%S}"
    candidate, n = layout.pre_restore / f"{base}{dot}{suffix}", 1
    while candidate.exists():
        n += 1
        candidate = layout.pre_restore / f"{base}-{n}{dot}{suffix}"
    return candidate


def listing(layout: Layout, names: list[str], zone: tzinfo) -> list[SafetyCopy]:
    """Every safety copy of the named data files, newest first."""
    folder = layout.pre_restore
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        name = match["stem"] + match["suffix"]
        if name not in names:
            continue
        when = datetime.strptime(match["when"], "%Y%m%d-%H%M%S").replace(tzinfo=zone)
        found.append(SafetyCopy(name, path, when, path.stat().st_size))
    return sorted(found, key=lambda c: (c.taken_at, _number(c.path)), reverse=True)


def _number(path: Path) -> int:
    match = _NAME.match(path.name)
    return int(match["n"] or 1) if match else 0


def prune(layout: Layout, ops, name: str, now: datetime) -> list[Path]:
    """Delete the safety copies of `name` that the rule no longer keeps; return them."""
    copies = [c for c in listing(layout, [name], now.tzinfo) if c.name == name]
    cutoff = now - timedelta(days=KEEP_DAYS)
    pruned = []
    for copy in copies[KEEP:]:
        if copy.taken_at < cutoff:
            ops.delete_copy(copy.path)
            pruned.append(copy.path)
    return pruned
