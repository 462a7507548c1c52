"""Where copies live under the backup folder:

    backup/todo.db          the newest copy (generation 0)
    backup/1/todo.db ...    earlier copies, 1 the most recent, 7 the oldest
    backup/backup.txt       the ledger
    backup/pre-restore/     safety copies of live files taken before a restore

Work in progress uses names that start with a dot and end in .partial (a new copy being
made) or .discard (a displaced copy, deleted last): nothing half-done looks like a backup."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

GENERATIONS = 7
LEDGER_NAME = "backup.txt"
PRE_RESTORE = "pre-restore"
PARTIAL = ".partial"
DISCARD = ".discard"


def is_work_name(path: Path | str | None) -> bool:
    """A work file's name ('.todo.db.1a2b3c4d.partial'): the portal's own business."""
    name = Path(path).name if path else ""
    return name.startswith(".") and name.endswith((PARTIAL, DISCARD))


def os_words(exc: OSError, real: Path | str) -> str:
    """An error in words that name the real file (`real`, e.g. backup/7/todo.db), never
    the work name the step was on: a person can find one and not the other."""
    text = str(exc)
    for name in (exc.filename, exc.filename2):
        if is_work_name(name):
            text = text.replace(repr(str(name)), str(real)).replace(str(name), str(real))
    return text


def generation_label(generation: int) -> str:
    """'newest' for generation 0, else the folder number."""
    return "newest" if generation == 0 else str(generation)


def taken_at(stat: os.stat_result, zone: tzinfo) -> datetime:
    """When a copy was taken: its file time, to the second. The run stamps it on the
    copy; it is the key that matches a copy with its record in backup.txt."""
    return datetime.fromtimestamp(int(stat.st_mtime), zone)


def same_second(a: datetime, b: datetime) -> bool:
    """Whether two taken-at times are the same (file times keep whole seconds)."""
    return int(a.timestamp()) == int(b.timestamp())


def copy_name(generation: str) -> str:
    """A copy in a Generation column: 'newest copy', '1' ... '7'."""
    return "newest copy" if generation in ("0", "newest") else generation


def copy_label(generation: int | str) -> str:
    """How a copy is named in lists and tables: 'newest copy', 'generation 3'."""
    if generation in (0, "0", "newest"):
        return "newest copy"
    return f"generation {generation}"


def copy_words(generation: int | str) -> str:
    """How a copy is named in a sentence: 'the newest copy', 'generation 3'."""
    label = copy_label(generation)
    return "the " + label if label == "newest copy" else label


def generation_rank(label: str) -> int:
    """Sort key of a ledger generation label: 'new', 'newest', '1' ... '7'."""
    if label == "new":
        return -1
    return 0 if label == "newest" else int(label)


@dataclass(frozen=True)
class Layout:
    """Paths under one backup folder."""

    root: Path

    def slot_dir(self, generation: int) -> Path:
        """The folder of a generation (the backup folder itself for the newest)."""
        if not 0 <= generation <= GENERATIONS:
            raise ValueError(f"generation must be 0 to {GENERATIONS}, not {generation}")
        return self.root if generation == 0 else self.root / str(generation)

    def slot(self, name: str, generation: int) -> Path:
        """The copy of data file `name` at `generation`."""
        return self.slot_dir(generation) / name

    def partial(self, name: str) -> Path:
        """A fresh name for a copy being made."""
        return self.root / f".{name}.{secrets.token_hex(4)}{PARTIAL}"

    def discard(self, name: str) -> Path:
        """A fresh name for a displaced copy that is about to be deleted."""
        return self.root / f".{name}.{secrets.token_hex(4)}{DISCARD}"

    @property
    def ledger(self) -> Path:
        return self.root / LEDGER_NAME

    @property
    def lock(self) -> Path:
        return self.root / ".backup.lock"

    @property
    def running(self) -> Path:
        """Who holds the lock, for the message a second request gets."""
        return self.root / ".backup.running"

    @property
    def pre_restore(self) -> Path:
        return self.root / PRE_RESTORE

    def job_lock(self, job: str) -> Path:
        """The lock file of a nightly job (one process at a time does it)."""
        return self.root / job

    def in_folder(self, name: str) -> Path:
        """A folder of the portal's own inside the backup folder (the opened off-site
        copies): named by its owner, placed here."""
        return self.root / name

    def folder_problem(self) -> str | None:
        """What keeps the backup folder from being used at all, in words, or None."""
        if self.root.exists() and not self.root.is_dir():
            return f"The backup folder {self.root} is not a folder (a file has that name)."
        return None

    def leftovers(self) -> list[Path]:
        """Work-in-progress files an interrupted run left behind (with SQLite's side files)."""
        if not self.root.is_dir():
            return []
        return sorted(
            path
            for path in self.root.iterdir()
            if path.name.startswith(".") and (PARTIAL in path.name or DISCARD in path.name)
        )

    @staticmethod
    def leftover_data_file(path: Path) -> str | None:
        """The data file name a leftover belonged to ('.todo.db.1a2b.discard' -> 'todo.db')."""
        stem = path.name[1:]
        name, _, rest = stem.rpartition(".")
        name, _, _token = name.rpartition(".")
        if rest not in ("partial", "discard") or not name:
            return None
        return name
