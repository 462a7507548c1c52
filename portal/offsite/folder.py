"""The off-site folder as it stands: its dated folders (complete or not), where each
recorded copy's bytes are, whether the folder can be used at all."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from portal.offsite import manifest as manifest_mod
from portal.offsite.errors import OffsiteError
from portal.offsite.manifest import MANIFEST_NAME, Item, Manifest
from portal.offsite.shareops import ShareOps

KEPT_COPIES = "kept-copies"
PARTIAL = ".partial"
# Room kept free beyond the copies, as for the local backup.
SPACE_MARGIN = 1024 * 1024
SPACE_FACTOR = 1.1


_DAY_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _as_day(name: str) -> date | None:
    """The day a folder is named after ('2026-11-27'), or None for any other name (the
    share may hold other folders: they are never listed, pruned or read)."""
    if not _DAY_NAME.match(name):  # fromisoformat alone would take '2026-W48-5' too
        return None
    try:
        return date.fromisoformat(name)
    except ValueError:
        return None


@dataclass(frozen=True)
class DayFolder:
    """A dated folder: complete when its manifest is there and readable."""

    day: date
    path: Path
    manifest: Manifest | None
    problem: str | None = None  # why the manifest cannot be read

    @property
    def complete(self) -> bool:
        return self.manifest is not None


class OffsiteFolder:
    """The folder named by OFFSITE_DIR."""

    def __init__(self, root: Path, ops: ShareOps | None = None):
        self.root = Path(root)
        self.ops = ops or ShareOps()

    def problem(self) -> str | None:
        """What keeps the folder from being used, in words, or None. A missing folder is
        never made: an unmounted share would otherwise fill the portal's own disk."""
        try:
            if not self.root.exists():
                return (
                    f"The off-site folder {self.root} does not exist or cannot be reached "
                    "(is the share or disk connected?)."
                )
            if not self.root.is_dir():
                return f"The off-site folder {self.root} is not a folder."
        except OSError as exc:
            return f"The off-site folder {self.root} cannot be reached ({exc})."
        if not os.access(self.root, os.W_OK):
            return f"The portal's account cannot write to the off-site folder {self.root}."
        return None

    def check(self) -> None:
        if problem := self.problem():
            raise OffsiteError(problem)

    def day_path(self, day: date) -> Path:
        return self.root / day.isoformat()

    @property
    def kept_copies(self) -> Path:
        return self.root / KEPT_COPIES

    def days(self) -> list[DayFolder]:
        """Every dated folder, oldest first."""
        found = []
        try:
            entries = list(self.root.iterdir())
        except OSError as exc:
            raise OffsiteError(f"The off-site folder {self.root} cannot be read ({exc}).") from exc
        for path in entries:
            day = _as_day(path.name)
            if day is None or not path.is_dir():
                continue
            found.append(self._day_folder(day, path))
        return sorted(found, key=lambda folder: folder.day)

    def _day_folder(self, day: date, path: Path) -> DayFolder:
        try:
            text = (path / MANIFEST_NAME).read_text(encoding="utf-8")
        except FileNotFoundError:
            return DayFolder(day, path, None)
        except (OSError, UnicodeDecodeError) as exc:
            return DayFolder(day, path, None, f"its manifest cannot be read ({exc})")
        try:
            return DayFolder(day, path, manifest_mod.parse(day, text))
        except OffsiteError as exc:
            return DayFolder(day, path, None, str(exc))

    def complete_days(self) -> list[DayFolder]:
        return [folder for folder in self.days() if folder.complete]

    def day(self, day: date) -> DayFolder:
        """The complete dated folder of `day`, or OffsiteError saying why there is none."""
        path = self.day_path(day)
        if not path.is_dir():
            raise OffsiteError(f"There is no off-site copy of {day} in {self.root}.")
        folder = self._day_folder(day, path)
        if not folder.complete:
            why = folder.problem or "it has no manifest: the copy was never completed"
            raise OffsiteError(f"The off-site copy of {day} is incomplete ({why}).")
        return folder

    def path_of(self, item: Item) -> Path:
        """Where the bytes of a recorded copy are: in the dated folder it names, or under
        kept-copies/ once that day was pruned while later days still used it."""
        in_day = self.day_path(item.stored_in) / item.name
        if in_day.exists():
            return in_day
        return self.kept_copies / item.stored_in.isoformat() / item.name

    def partial(self, folder: Path, name: str) -> Path:
        return folder / f".{name}.{secrets.token_hex(4)}{PARTIAL}"

    def check_space(self, needed: int) -> None:
        """OffsiteError unless the off-site folder's disk has room for `needed` bytes."""
        if needed <= 0:
            return
        needed = int(needed * SPACE_FACTOR) + SPACE_MARGIN
        free = self.ops.free_space(self.root)
        if free < needed:
            raise OffsiteError(
                f"Not enough free space in the off-site folder {self.root}: about "
                f"{needed / 1e6:.1f} MB needed, {free / 1e6:.1f} MB free."
            )

    def test(self) -> None:
        """Write a probe file, read it back and delete it (the Test button)."""
        self.check()
        data = secrets.token_bytes(64)
        probe = self.root / f".portal-test.{secrets.token_hex(4)}{PARTIAL}"
        try:
            back = self.ops.write_probe(probe, data)
            if back != data:
                raise OffsiteError(
                    f"The off-site folder {self.root} gave back other bytes than were written."
                )
            self.ops.unlink(probe)
        except OSError as exc:
            raise OffsiteError(
                f"The off-site folder {self.root} could not be written, read back and "
                f"cleaned up ({exc})."
            ) from exc
        finally:
            with contextlib.suppress(OSError):
                probe.unlink(missing_ok=True)
