"""The off-site folder as it stands: is it there and this portal's (its marker,
place.py), the day folders the portal made (days.py tells them from everything else on
the share, which is never touched, only reported), where each recorded copy's bytes
are, the room left, and the Test button's probe."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

from portal.offsite import days as days_mod
from portal.offsite import deadline, place
from portal.offsite import manifest as manifest_mod
from portal.offsite import opened as opened_mod
from portal.offsite.confined import Confined
from portal.offsite.days import (
    DAY_MARKER,
    KEPT_COPIES,
    MANIFEST_MAX_BYTES,
    PARTIAL,
    DayFolder,
    Survey,
    as_day,
)
from portal.offsite.errors import OffsiteError
from portal.offsite.manifest import MANIFEST_NAME, Item
from portal.offsite.seal import Seal
from portal.offsite.share_words import NO_FREE_SPACE_REPORTED, share_error
from portal.offsite.shareops import ShareOps

__all__ = ["DAY_MARKER", "KEPT_COPIES", "PARTIAL", "DayFolder", "OffsiteFolder", "as_day"]

T = TypeVar("T")

# Room kept free beyond the copies, as for the local backup.
SPACE_MARGIN = 1024 * 1024
SPACE_FACTOR = 1.1


class OffsiteFolder:
    """The folder named by OFFSITE_DIR (or set on the Data Backup page)."""

    def __init__(
        self,
        root: Path,
        ops: ShareOps | None = None,
        *,
        owner: str,
        names: tuple[str, ...] = (),
        instance: str = "",
        answer_seconds: float = 0,
        mistaken: dict[date, date] | None = None,
        seal: Seal | None = None,
        opened_dir: Path | None = None,
    ):
        self.root = Path(root)
        self.ops = ops or ShareOps()
        self.ops.confined = Confined(self.root)
        self.confined = self.ops.confined
        self.owner = owner  # the portal instance's id, written in the marker
        self.names = tuple(names)  # the data files every complete day holds
        self.instance = instance  # the instance, as the marker names it for a person
        self.answer_seconds = answer_seconds  # the share's time limit (0: none)
        # Day folders dated by a clock's mistake (a run once at 2038), each with the day
        # it was said to be a mistake: they never stop a copy, and age out from that day.
        self.mistaken = dict(mistaken or {})
        # The portal's keys (seal.py): what is written is sealed; without them, only
        # days from before sealing can be read.
        self.seal = seal
        # Where a sealed copy is opened to be checked or restored: a local folder of the
        # portal's own, never the share (opened.py says why a folder of its own).
        self.opened_dir = Path(opened_dir or tempfile.gettempdir())

    def counts_as(self, day: date) -> date:
        """The day a day folder counts as for the retention rule."""
        return self.mistaken.get(day, day)

    def within_limit(self, work: Callable[[], T]) -> T:
        """work() under the share's time limit: NoAnswer (an OffsiteError) when a step on
        the share gets no answer for `answer_seconds` (deadline.py)."""
        return deadline.within(self.root, self.answer_seconds, work)

    # -- is it there, and ours ----------------------------------------------------------

    def reach_problem(self) -> str | None:
        """Why the folder cannot be reached at all, or None."""
        try:
            if not self.root.exists():
                return (
                    f"The off-site folder {self.root} does not exist or cannot be reached "
                    "(is the share or disk connected?)."
                )
            if not self.root.is_dir():
                return f"The off-site folder {self.root} is not a folder."
        except OSError as exc:
            return f"The off-site folder {self.root} cannot be reached: {share_error(exc)}."
        return None

    def marker(self) -> place.Marker | None:
        """The marker in the folder, or None when there is none (or it is not a file)."""
        path = self.root / place.MARKER_NAME
        text = days_mod.read_small(self, path, place.MARKER_MAX_BYTES)
        return place.parse_marker(text) if text is not None else None

    def problem(self) -> str | None:
        """What keeps the folder from being used, in words, or None. A missing folder is
        never made, nor one without this portal's marker: an unmounted share would
        otherwise fill the portal's own disk."""
        if problem := self.reach_problem():
            return problem
        try:
            marker = self.marker()
        except OSError as exc:
            return f"The off-site folder {self.root} cannot be read: {share_error(exc)}."
        if marker is None:
            if self._from_before_markers():
                return None  # marked at its next copy
            return (
                f"The off-site folder {self.root} is not marked as this portal's (its "
                f"{place.MARKER_NAME} is missing): if it is on a share or another disk, "
                "it is probably not connected (mounted). Nothing was written there. A new "
                "folder is marked when it is saved on the Data Backup page."
            )
        if marker.owner != self.owner:
            return (
                f"The off-site folder {self.root} belongs to another portal instance "
                f"({marker.instance or marker.owner}); nothing was written there. Choose a "
                "folder of this portal's own."
            )
        if not os.access(self.root, os.W_OK):
            return f"The portal's account cannot write to the off-site folder {self.root}."
        return None

    def check(self) -> None:
        if problem := self.problem():
            raise OffsiteError(problem)
        if self.marker() is None:  # a folder from before markers: mark it now
            self._write_marker()

    def claim_problem(self) -> str | None:
        """Why this folder cannot become this portal's off-site folder, or None (Save)."""
        if problem := self.reach_problem():
            return problem
        try:
            marker = self.marker()
            if marker is not None:
                return None if marker.owner == self.owner else self.problem()
            if self._from_before_markers():
                return None
            others = [name for name, _kind in self.confined.entries(self.root)]
        except OSError as exc:
            return f"The off-site folder {self.root} cannot be read ({exc})."
        if others:
            shown = ", ".join(sorted(others)[:3]) + (", ..." if len(others) > 3 else "")
            return (
                f"The off-site folder {self.root} is not empty ({shown}) and is not this "
                "portal's off-site folder: the portal deletes old copies in it, so it "
                "must have a folder of its own. Choose an empty folder."
            )
        return None

    def claim(self) -> bool:
        """Make this the portal's off-site folder (Save): write the marker if missing.
        OffsiteError saying why when it cannot be; True when the marker was written now."""
        if problem := self.claim_problem():
            raise OffsiteError(problem)
        if self.marker() is not None:
            return False
        self._write_marker()
        return True

    def _write_marker(self) -> None:
        text = place.render_marker(self.owner, self.instance)
        try:
            self.ops.write_atomic(self.root / place.MARKER_NAME, text)
        except OSError as exc:
            raise OffsiteError(
                f"The off-site folder {self.root} could not be marked as this portal's ({exc})."
            ) from exc

    def _from_before_markers(self) -> bool:
        """A folder the portal used before it wrote markers: no marker, and at least one
        day folder holding a manifest of the portal's (with no owner written in it)."""
        try:
            entries = self.confined.entries(self.root)
        except OSError:
            return False
        for name, kind in entries:
            day = as_day(name)
            if day is None or kind != "dir":
                continue
            text = days_mod.read_small(self, self.root / name / MANIFEST_NAME, MANIFEST_MAX_BYTES)
            if text and manifest_mod.is_manifest_of(day, text):
                return not manifest_mod.read(day, text).owner
        return False

    # -- reading what is there ----------------------------------------------------------

    def survey(self) -> Survey:
        """The portal's day folders (oldest first) and everything else, never following
        a link. OffsiteError when the folder cannot be read."""
        return days_mod.survey(self)

    def checked_survey(self) -> Survey:
        """survey(), once problem() found nothing: OffsiteError saying why the folder
        cannot be used (not there, not this portal's) or read."""
        if problem := self.problem():
            raise OffsiteError(problem)
        return self.survey()

    def days(self) -> list[DayFolder]:
        """The portal's day folders, oldest first."""
        return self.survey().days

    def day_path(self, day: date) -> Path:
        return self.root / day.isoformat()

    @property
    def kept_copies(self) -> Path:
        return self.root / KEPT_COPIES

    def complete_days(self) -> list[DayFolder]:
        return [folder for folder in self.days() if folder.complete]

    def work_folder(self, day: date) -> Path:
        return self.root / f".{day.isoformat()}.{secrets.token_hex(4)}{PARTIAL}"

    def day(self, day: date) -> DayFolder:
        """The complete day folder of `day`, or OffsiteError saying why there is none."""
        folder = next((d for d in self.days() if d.day == day), None)
        if folder is None:
            raise OffsiteError(f"There is no off-site copy of {day} in {self.root}.")
        if not folder.complete:
            why = folder.problem or "it has no manifest: the copy was never completed"
            raise OffsiteError(f"The off-site copy of {day} is incomplete ({why}).")
        return folder

    def path_of(self, item: Item) -> Path:
        """Where the bytes of a recorded copy are: in the day folder it names, or under
        kept-copies/ once that day was pruned while later days still used it. Only a
        regular file counts: a link there is never followed."""
        in_day = self.day_path(item.stored_in) / item.stored_name
        try:
            if self.confined.kind(in_day) == "file":
                return in_day
        except OSError:
            return in_day
        return self.kept_copies / item.stored_in.isoformat() / item.stored_name

    def is_copy(self, path: Path) -> bool:
        """Whether a regular file (not a link) is at `path`."""
        try:
            return self.confined.kind(path) == "file"
        except OSError:
            return False

    def open_copy(self, path: Path) -> tuple[Path, str]:
        """A sealed copy opened into a new local file in `opened_dir` (opened.py), and
        the SHA-256 of what it holds; the caller removes the file."""
        return opened_mod.open_copy(self.ops, self.seal, self.opened_dir, path)

    @contextlib.contextmanager
    def opened(self, path: Path) -> Iterator[tuple[Path, str]]:
        """open_copy() for the time of a `with` block."""
        local, digest = self.open_copy(path)
        try:
            yield local, digest
        finally:
            with contextlib.suppress(OSError):
                local.unlink()

    def partial(self, folder: Path, name: str) -> Path:
        return folder / f".{name}.{secrets.token_hex(4)}{PARTIAL}"

    def check_space(self, needed: int) -> str | None:
        """OffsiteError unless the off-site folder's disk has room for `needed` bytes. A
        share that reports no free space at all (some FUSE SMB clients report 0 when they
        do not know) is not taken at its word: the copy is tried, and stops cleanly on a
        real "disk full"; the note returned says so."""
        if needed <= 0:
            return None
        needed = int(needed * SPACE_FACTOR) + SPACE_MARGIN
        free = self.ops.free_space(self.root)
        if free == 0:
            return NO_FREE_SPACE_REPORTED.format(root=self.root)
        if free < needed:
            raise OffsiteError(
                f"Not enough free space in the off-site folder {self.root}: about "
                f"{needed / 1e6:.1f} MB needed, {free / 1e6:.1f} MB free."
            )
        return None
