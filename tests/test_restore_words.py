"""Issue 22, item 3: a restore says what it did one way, on the page and on the command
line, with the portal's one date format in the portal's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from portal.backup.restore import RestoreResult
from portal.data_backup.restore_words import restored

BERLIN = ZoneInfo("Europe/Berlin")
TAKEN = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
SAFETY = Path("/srv/portal/backup/pre-restore/todo-20261127-100000.db")


def test_a_restore_from_a_generation():
    result = RestoreResult("todo.db", "the newest copy", TAKEN, SAFETY)
    assert restored(result, BERLIN) == (
        "Restored todo.db from the copy taken 27 Nov 2026 09:00. "
        f"The data as it was is kept in {SAFETY}."
    )


def test_a_restore_from_off_site_with_nothing_to_keep():
    result = RestoreResult("todo.db", "the off-site copy", TAKEN, None)
    assert restored(result, BERLIN, offsite_day=date(2026, 11, 27)) == (
        "Restored todo.db from the off-site copy of 2026-11-27 (taken 27 Nov 2026 09:00). "
        "There was no live file to keep."
    )


def test_an_unproven_copy_chosen_is_said_by_its_door():
    result = RestoreResult("todo.db", "generation 3", TAKEN, SAFETY, forced=True)
    assert restored(result, BERLIN).endswith(
        " The copy could not be proven; you chose to restore it."
    )
    assert restored(result, BERLIN, None, "it was restored because of --force").endswith(
        " The copy could not be proven; it was restored because of --force."
    )
