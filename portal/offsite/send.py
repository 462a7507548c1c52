"""Sending the newest local copies to the off-site folder, for one day:
  1. compare each copy with the previous complete day (and this day's, on a second run):
     a copy with the same SHA-256 is not sent again, the manifest points to it;
  2. check the free space for the rest;
  3. on a second run the same day, the changed copies get names of their own
     ('todo-2.db') and the manifest is written beside the first ('manifest-2.txt'): the
     day stays complete with its earlier copies until the new manifest is whole, and no
     share is asked to rename over a file (some SFTP servers and NAS cannot);
  4. each copy: streamed to a .partial name (sealed, seal.py: todo.db.age), flushed,
     read back (and opened) and compared with the SHA-256 recorded when the local copy
     was made (matching, the bytes on the share are the recorded ones, whatever happened
     on the way), renamed;
  5. the manifest (sealed: manifest.age), written last in one atomic step; then pruning
     (prune.py).
A portal that seals reuses and heals only sealed copies: an unsealed copy from before
sealing is never pointed to by a sealed day.
An earlier copy is reused only while it is proven good: read back when it was sent,
still a regular file where its manifest says, and not found damaged by the last verify.
A reused copy found damaged is sent again to where it was, over the damaged bytes
(read back first), which heals every day that points to it.
Everything is done through the confined steps (confined.py): nothing on the share is
followed outside it, and only what the portal made there is written, renamed or deleted.
A failure or a kill at any step leaves every other dated folder as it was, and this one
without a manifest; the next try starts it again."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from portal.offsite import day_steps
from portal.offsite import manifest as manifest_mod
from portal.offsite import prune as prune_mod
from portal.offsite.confined import NotFollowed
from portal.offsite.errors import OffsiteError
from portal.offsite.folder import PARTIAL, DayFolder, OffsiteFolder
from portal.offsite.manifest import Item, Manifest
from portal.offsite.retention import Keep
from portal.offsite.share_words import share_error


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
    healed: list[str] = field(default_factory=list)  # an earlier damaged copy sent again
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


def _reusable(
    folder: OffsiteFolder, day: DayFolder | None, copy: LocalCopy, damaged: frozenset
) -> Item | None:
    """The earlier record of an identical copy whose bytes are proven good, or None. A
    portal that seals reuses only sealed copies."""
    item = _same(day, copy)
    if item is None or (item.stored_in, item.name) in damaged:
        return None
    if folder.seal is not None and not item.sealed:
        return None
    return item if folder.is_copy(folder.path_of(item)) else None


def _same(day: DayFolder | None, copy: LocalCopy) -> Item | None:
    item = day.manifest.item(copy.name) if day and day.manifest else None
    if item is None or item.sha256 != copy.sha256 or item.size != copy.size:
        return None
    return item


def _healable(folder: OffsiteFolder, earlier: list[DayFolder | None], copy: LocalCopy, day: date):
    """(the record, its path) of an earlier day's copy with these very bytes that is
    damaged or gone, in a folder of the portal's that is still there; else None."""
    for folder_day in earlier:
        item = _same(folder_day, copy)
        if item is None or item.stored_in >= day or item.sealed != (folder.seal is not None):
            continue
        path = folder.path_of(item)
        try:
            if folder.confined.kind(path.parent) == "dir":
                return item, path
        except OSError:
            continue  # its folder is not there, or is a link now: send a fresh copy
    return None


def plan(
    folder: OffsiteFolder,
    copies: list[LocalCopy],
    day: date,
    days: list[DayFolder],
    damaged: frozenset = frozenset(),
):
    """The manifest this day will have, the copies that must be sent for it, this day's
    complete folder if any, and the earlier copies to heal ({path: local copy})."""
    complete = [d for d in days if d.complete]
    current = next((d for d in complete if d.day == day), None)
    previous = next((d for d in reversed(complete) if d.day < day), None)
    items, to_send, to_heal = [], [], {}
    key = folder.seal.current.id if folder.seal is not None else ""
    for copy in copies:
        earlier = _reusable(folder, current, copy, damaged)
        earlier = earlier or _reusable(folder, previous, copy, damaged)
        if earlier is None and (heal := _healable(folder, [current, previous], copy, day)):
            earlier, path = heal
            to_heal[path] = copy
        stored_in, file, sealed_by = (
            (earlier.stored_in, earlier.file, earlier.key) if earlier else (day, "", key)
        )
        items.append(
            Item(
                *(copy.name, copy.taken_at, copy.size, copy.sha256, copy.taken_by),
                *(stored_in, file, sealed_by),
            )
        )
        if earlier is None:
            to_send.append(copy)
    return Manifest(day, items, folder.owner, key=key), to_send, current, to_heal


def send(
    folder: OffsiteFolder,
    copies: list[LocalCopy],
    day: date,
    keep: Keep | None = None,
    damaged: frozenset = frozenset(),
) -> SendResult:
    """Make the day folder of `day` complete with `copies`, then prune. `damaged` names
    the stored copies ({(day stored in, file name)}) the last verify found damaged: they
    are never reused. OffsiteError when the folder cannot be used or a copy does not
    arrive intact."""
    folder.check()
    days = folder.days()
    if later := [d.day for d in days if d.day > day and d.day not in folder.mistaken]:
        raise OffsiteError(
            f"The off-site folder has a copy dated {max(later)}, after today ({day}): the "
            "server's clock was ahead when it was made, or is behind now. Nothing was sent. "
            "If that later date was a mistake, say so on the Data Backup page or with "
            "`backup clock-mistake`: copies then go on under today's date, nothing deleted."
        )
    manifest, to_send, current, to_heal = plan(folder, copies, day, days, frozenset(damaged))
    result = SendResult(day, reused=[c.name for c in copies if c not in to_send])
    if current is not None and current.manifest.items == manifest.items and not to_heal:
        result.unchanged = True
        return _prune(folder, day, keep, result)  # an earlier try may have stopped before it
    if note := folder.check_space(sum(copy.size for copy in [*to_send, *to_heal.values()])):
        result.notes.append(note)
    ops, target = folder.ops, folder.day_path(day)
    made, stored = False, {}
    suffix = manifest_mod.SEALED_SUFFIX if folder.seal is not None else ""
    try:
        for path, copy in to_heal.items():
            _send_one(folder, copy, path.parent, path.name, heal=True)
            result.healed.append(copy.name)
            result.bytes_written += copy.size
        made = day_steps.day_folder(folder, day, days)
        _remove_partials(folder, target)
        for copy in to_send:
            stored[copy.name] = _send_one(
                folder, copy, target, day_steps.free_name(folder, target, copy.name, suffix)
            )
            result.sent.append(copy.name)
            result.bytes_written += copy.size
        manifest = day_steps.with_stored_names(manifest, stored)
        # Beside the day's earlier manifest, never over it: the day stays complete with
        # its earlier copies until this one is written whole.
        name, number = day_steps.next_manifest(folder, target)
        text = manifest_mod.render(manifest, number)
        ops.write_atomic(target / name, folder.seal.seal_text(text) if folder.seal else text)
    except NotFollowed as exc:
        raise OffsiteError(
            f"The off-site copy to {folder.root} was stopped: {exc}. The local backup is "
            "complete; nothing outside the off-site folder was touched."
        ) from exc
    except OSError as exc:
        if made:  # nothing of a day that never got its manifest is left to fill the share
            day_steps.remove_unfinished(folder, target)
        raise OffsiteError(
            f"The off-site copy to {folder.root} failed: {share_error(exc)}. The local "
            "backup is complete; the off-site copy is tried again."
        ) from exc
    result.reused = [name for name in result.reused if name not in result.healed]
    day_steps.tidy_day(folder, target, manifest, result)
    return _prune(folder, day, keep, result)


def _prune(folder: OffsiteFolder, day: date, keep: Keep | None, result: SendResult) -> SendResult:
    try:
        result.pruned = prune_mod.prune(folder, day, keep or Keep())
    except OSError as exc:
        # The day is complete; what was not pruned is pruned after the next copy.
        result.notes.append(f"Older days could not all be pruned ({exc}); tried again next time.")
    return result


def _send_one(
    folder: OffsiteFolder, copy: LocalCopy, target: Path, stored: str, heal: bool = False
) -> str:
    """Send one copy as `stored` in `target`: written to a work name, read back and
    compared, then named. Only a damaged copy being healed is replaced (deleted first,
    then named: no share is asked to rename over a file)."""
    ops = folder.ops
    partial = folder.partial(target, copy.name)
    try:
        sums = ops.copy_flushed(copy.path, partial, folder.seal)
        if sums is None:  # a plain copy: read back, compared with the record
            local_good = read_back_good = ops.sha256(partial) == copy.sha256
            if not read_back_good:
                # Which side differs? Only now is the local copy hashed, to say so.
                local_good = ops.sha256(copy.path) == copy.sha256
        else:  # sealed: what was sealed, and what the share gives back (sealed_copy.py)
            local_good = sums.plain == copy.sha256
            read_back_good = local_good and ops.sha256(partial) == sums.sealed
        if not local_good:
            raise OffsiteError(
                f"The local copy of {copy.name} does not match the SHA-256 recorded "
                "when it was made; it was not sent off site (run `backup verify`)."
            )
        if not read_back_good:
            raise OffsiteError(
                f"The copy of {copy.name} read back from the off-site folder differs from "
                "what was sent; it was not kept."
            )
        if heal:
            ops.unlink(target / stored)
        ops.replace(partial, target / stored)
    finally:
        with contextlib.suppress(OSError):
            ops.unlink(partial)
    ops.fsync_dir(target)
    return stored


def _remove_partials(folder: OffsiteFolder, target: Path) -> None:
    """Work files of an interrupted try (never a copy: those get their name last)."""
    for name, kind in folder.confined.entries(target):
        if kind == "file" and name.startswith(".") and name.endswith(PARTIAL):
            folder.ops.unlink(target / name)
