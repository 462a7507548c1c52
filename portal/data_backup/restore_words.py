"""What a restore says when it is done, the same on the Data Backup page and on the
command line (it was written three times, each a little differently): which copy came
back, where the data as it was is kept, and whether an unproven copy was chosen."""

from __future__ import annotations

from datetime import date, tzinfo

from portal.backup.restore import RestoreResult
from portal.clock import format_datetime


def restored(
    result: RestoreResult,
    zone: tzinfo,
    offsite_day: date | None = None,
    forced_by: str = "you chose to restore it",
) -> str:
    """'Restored todo.db from the copy taken 27 Nov 2026 09:00. The data as it was is
    kept in .../pre-restore/todo-20261127-090000.db.' (`forced_by`: how the door says an
    unproven copy was chosen)."""
    taken = format_datetime(result.taken_at, zone)
    if offsite_day is None:
        source = f"the copy taken {taken}"
    else:
        source = f"the off-site copy of {offsite_day} (taken {taken})"
    if result.safety_copy is None:
        kept = "There was no live file to keep."
    else:
        kept = f"The data as it was is kept in {result.safety_copy}."
    forced = f" The copy could not be proven; {forced_by}." if result.forced else ""
    return f"Restored {result.name} from {source}. {kept}{forced}"
