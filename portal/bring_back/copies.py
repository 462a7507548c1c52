"""Which copy to open (issue 23: every copy has Open): a generation of the backup folder
(0 the newest to 7), an off-site day, or a safety copy (the live file as it was before a
restore). One short token names it in the pages' URLs and forms ("0", "offsite-2026-12-06",
"safety-todo-20261206-101500.db"); the commands give --generation or --offsite.

`opened` proves it as a restore proves it and opens it read-only (never the copy itself):
a local copy in the engine's private file, an off-site day's through the share's checks
(portal/data_backup/offsite_restore.py), a sealed one opened first with the portal's keys."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from portal.backup import RestoreError
from portal.backup.layout import GENERATIONS, copy_words
from portal.backup.open_copy import safety_candidate
from portal.data_backup import offsite_restore
from portal.data_backup.offsite_folder import folder as offsite_folder
from portal.data_backup.service import DataBackup
from portal.instance import Instance

_OFFSITE = re.compile(r"^offsite-(\d{4}-\d{2}-\d{2})$")
_SAFETY = re.compile(r"^safety-([A-Za-z0-9_.-]{1,120})$")


@dataclass(frozen=True)
class CopyRef:
    """One copy of a data file: exactly one of the three is given."""

    generation: int | None = None
    offsite: date | None = None
    safety: str = ""  # a safety copy's file name in backup/pre-restore/

    @classmethod
    def parse(cls, token: str) -> CopyRef | None:
        """The copy a token names, or None for one that names none."""
        if token.isascii() and token.isdigit() and int(token) <= GENERATIONS:
            return cls(generation=int(token))
        if match := _OFFSITE.match(token):
            try:
                return cls(offsite=date.fromisoformat(match[1]))
            except ValueError:
                return None
        if (match := _SAFETY.match(token)) and ".." not in match[1]:
            return cls(safety=match[1])
        return None

    @property
    def token(self) -> str:
        if self.offsite is not None:
            return f"offsite-{self.offsite.isoformat()}"
        if self.safety:
            return f"safety-{self.safety}"
        return str(self.generation)

    def words(self, name: str) -> str:
        """The copy as a sentence names it: 'the newest copy of todo.db'."""
        if self.offsite is not None:
            return f"the off-site copy of {name} of {self.offsite.isoformat()}"
        if self.safety:
            return f"the safety copy {self.safety}"
        return f"{copy_words(self.generation)} of {name}"


@contextlib.contextmanager
def opened(
    instance: Instance,
    service: DataBackup,
    name: str,
    ref: CopyRef,
    who: str,
    wait: float = 0,
    force: bool = False,
) -> Iterator[sqlite3.Connection]:
    """A read-only connection to `ref`, a copy of data file `name`, proven first (`force`:
    an unrecorded one, as "Restore anyway"), for the block."""
    engine, extra = service.engine(), []
    if ref.offsite is not None:
        target = offsite_folder(instance)
        if target is None:
            raise RestoreError("No off-site folder is set.")
        copy = lambda: offsite_restore.restore_candidate(  # noqa: E731
            target, name, ref.offsite, extra, "Nothing was opened."
        )
    elif ref.safety:
        zone = instance.clock.zone
        copy = lambda: safety_candidate(engine.layout, name, ref.safety, zone)  # noqa: E731
    else:
        copy = ref.generation
    try:
        with engine.open_copy(name, copy, who, wait=wait, force=force) as private:
            # Never written: opened read-only and immutable (no journal, no lock).
            uri = f"{private.resolve().as_uri()}?mode=ro&immutable=1"
            with contextlib.closing(sqlite3.connect(uri, uri=True)) as conn:
                yield conn
    finally:
        for path in extra:  # a sealed off-site copy's opened work file, never kept
            with contextlib.suppress(OSError):
                Path(path).unlink()
