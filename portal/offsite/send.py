"""Sending the newest local copies to the off-site folder, for one day:
  1. compare each copy with the previous complete day (and this day's, on a second run):
     a copy with the same SHA-256 is not sent again, the manifest points to it;
  2. check the free space for the rest;
  3. on a second run the same day, delete this day's manifest first: the folder is
     incomplete (never offered for restore) until the new one is written;
  4. each copy: streamed to a .partial name, flushed, read back and compared with the
     SHA-256 recorded when the local copy was made (matching, the bytes on the share are
     the recorded ones, whatever happened on the way), renamed;
  5. the manifest, written last in one atomic step; then pruning (prune.py).
A failure or a kill at any step leaves every other dated folder as it was, and this one
without a manifest; the next try starts it again."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from portal.offsite import manifest as manifest_mod
from portal.offsite import prune as prune_mod
from portal.offsite.errors import OffsiteError
from portal.offsite.folder import PARTIAL, DayFolder, OffsiteFolder
from portal.offsite.manifest import MANIFEST_NAME, Item, Manifest
from portal.offsite.retention import Keep


@dataclass(frozen=True)
class LocalCopy:
    """The newest local copy of a data file, with what backup.txt recorded for it."""

    name: str
    path: Path
    taken_at: datetime
    size: int
    sha256: str
    taken_by: str


@dataclass
class SendResult:
    day: date
    sent: list[str] = field(default_factory=list)  # copied now
    reused: list[str] = field(default_factory=list)  # identical to an earlier day's copy
    bytes_written: int = 0
    pruned: list[date] = field(default_factory=list)
    unchanged: bool = False  # this day was already complete with these very copies
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.unchanged:
            return f"The off-site copy of {self.day} was already complete."
        parts = [f"Off-site copy of {self.day} complete"]
        if self.sent:
            parts.append(f"sent: {', '.join(self.sent)}")
        if self.reused:
            parts.append(f"unchanged, not sent again: {', '.join(self.reused)}")
        return "; ".join(parts) + "." + "".join(" " + note for note in self.notes)


def _reusable(folder: OffsiteFolder, day: DayFolder | None, copy: LocalCopy) -> Item | None:
    """The earlier record of an identical copy whose bytes are still there, if any."""
    item = day.manifest.item(copy.name) if day and day.manifest else None
    if item is None or item.sha256 != copy.sha256 or item.size != copy.size:
        return None
    return item if folder.path_of(item).is_file() else None


def plan(folder: OffsiteFolder, copies: list[LocalCopy], day: date, days: list[DayFolder]):
    """The manifest this day will have, and the copies that must be sent for it."""
    complete = [d for d in days if d.complete]
    current = next((d for d in complete if d.day == day), None)
    previous = next((d for d in reversed(complete) if d.day < day), None)
    items, to_send = [], []
    for copy in copies:
        earlier = _reusable(folder, current, copy) or _reusable(folder, previous, copy)
        stored_in = earlier.stored_in if earlier else day
        items.append(
            Item(copy.name, copy.taken_at, copy.size, copy.sha256, copy.taken_by, stored_in)
        )
        if earlier is None:
            to_send.append(copy)
    return Manifest(day, items), to_send, current


def send(
    folder: OffsiteFolder, copies: list[LocalCopy], day: date, keep: Keep | None = None
) -> SendResult:
    """Make the dated folder of `day` complete with `copies`, then prune. OffsiteError
    when the folder cannot be used or a copy does not arrive intact."""
    folder.check()
    days = folder.days()
    if later := [d.day for d in days if d.day > day]:
        raise OffsiteError(
            f"The off-site folder has a copy dated {max(later)}, after today ({day}): is the "
            "clock behind? Nothing was sent."
        )
    manifest, to_send, current = plan(folder, copies, day, days)
    result = SendResult(day, reused=[c.name for c in copies if c not in to_send])
    if current is not None and current.manifest == manifest:
        result.unchanged = True
        return _prune(folder, day, keep, result)  # an earlier try may have stopped before it
    folder.check_space(sum(copy.size for copy in to_send))
    ops, target = folder.ops, folder.day_path(day)
    try:
        if current is not None:
            ops.unlink(target / MANIFEST_NAME)
            ops.fsync_dir(target)
        target.mkdir(exist_ok=True)
        _remove_partials(folder, target)
        for copy in to_send:
            _send_one(folder, copy, target)
            result.sent.append(copy.name)
            result.bytes_written += copy.size
        ops.write_atomic(target / MANIFEST_NAME, manifest_mod.render(manifest))
    except OSError as exc:
        raise OffsiteError(
            f"The off-site copy to {folder.root} failed ({exc}). The local backup is "
            "complete; the off-site copy is tried again."
        ) from exc
    return _prune(folder, day, keep, result)


def _prune(folder: OffsiteFolder, day: date, keep: Keep | None, result: SendResult) -> SendResult:
    try:
        result.pruned = prune_mod.prune(folder, day, keep or Keep())
    except OSError as exc:
        # The day is complete; what was not pruned is pruned after the next copy.
        result.notes.append(f"Older days could not all be pruned ({exc}); tried again next time.")
    return result


def _send_one(folder: OffsiteFolder, copy: LocalCopy, target: Path) -> None:
    ops = folder.ops
    partial = folder.partial(target, copy.name)
    try:
        ops.copy_flushed(copy.path, partial)
        if ops.sha256(partial) != copy.sha256:
            # Which side differs? Only now is the local copy hashed, to say so.
            if ops.sha256(copy.path) != copy.sha256:
                raise OffsiteError(
                    f"The local copy of {copy.name} does not match the SHA-256 recorded "
                    "when it was made; it was not sent off site (run `backup verify`)."
                )
            raise OffsiteError(
                f"The copy of {copy.name} read back from the off-site folder differs from "
                "what was sent; it was not kept."
            )
        ops.replace(partial, target / copy.name)
    finally:
        with contextlib.suppress(OSError):
            ops.unlink(partial)
    ops.fsync_dir(target)


def _remove_partials(folder: OffsiteFolder, target: Path) -> None:
    """Work files of an interrupted try (never a copy: those get their name last)."""
    for path in target.iterdir():
        if path.name.startswith(".") and path.name.endswith(PARTIAL):
            folder.ops.unlink(path)
