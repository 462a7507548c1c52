"""The portal's off-site keys (portal/offsite/seal.py), in the instance folder, never on
the share: `offsite-keys.txt`, owner-only. The first key is made when the off-site folder
is first saved (or, for a folder saved before copies were sealed, before the first copy
after the update); at that moment the unsealed manifests already on the share are
written down by their SHA-256, so that only those are ever offered as "not sealed".
Without this file (or the recovery kit that holds its keys) no sealed copy opens."""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from datetime import date
from pathlib import Path

from portal.backup.lock import file_lock
from portal.instance import Instance
from portal.offsite import OffsiteError, OffsiteFolder
from portal.offsite import days as days_mod
from portal.offsite.manifest import is_sealed_name
from portal.offsite.seal import Key, Seal, SealError, Unsealed

KEYS_FILE = "offsite-keys.txt"
_HEADER = """\
# The Office Portal's off-site keys. Without them, or the recovery kit that holds them,
# the sealed off-site copies cannot be opened. Keep this file private and never copy it
# to the off-site folder. One line each, fields separated by tabs:
#   key, the day it was made, the key (the last one seals new copies)
#   unsealed, day, manifest, SHA-256 (a day written before copies were sealed)
"""


def keys_path(instance: Instance) -> Path:
    return instance.path / KEYS_FILE


def load(instance: Instance) -> Seal | None:
    """The portal's keys, or None before the first was made."""
    return read(keys_path(instance))


def read(path: Path) -> Seal | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    keys, unsealed = [], []
    for line in text.splitlines():
        fields = line.split("\t")
        try:
            if fields[0] == "key" and len(fields) == 3:
                keys.append(Key.parse(fields[2], date.fromisoformat(fields[1])))
            elif fields[0] == "unsealed" and len(fields) == 4:
                unsealed.append(Unsealed(date.fromisoformat(fields[1]), fields[2], fields[3]))
        except (ValueError, SealError) as exc:
            raise OffsiteError(f"{path} cannot be read: {line[:40]!r} ({exc}).") from exc
    return Seal(keys, unsealed) if keys else None


def write(path: Path, seal: Seal) -> None:
    """Written whole under a new name, then renamed into place: never half a key."""
    lines = [_HEADER]
    lines += [f"key\t{key.made.isoformat()}\t{key.secret}\n" for key in seal.keys]
    lines += [
        f"unsealed\t{u.day.isoformat()}\t{u.name}\t{u.sha256}\n"
        for u in sorted(seal.unsealed, key=lambda u: (u.day, u.name))
    ]
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write("".join(lines))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def ensure(instance: Instance, target: OffsiteFolder) -> Seal:
    """The portal's keys, the first one made now if there is none (with the unsealed
    manifests on `target` written down). OffsiteError when the share cannot be read
    for that: no key is made, and the next try makes it."""
    path = keys_path(instance)
    with file_lock(path.with_name(KEYS_FILE + ".lock")):
        if (seal := read(path)) is not None:
            return seal
        unsealed = target.within_limit(lambda: _unsealed_manifests(target))
        seal = Seal([Key.make(instance.clock.today())], unsealed)
        write(path, seal)
        return seal


def new_key(instance: Instance) -> Key:
    """A new key for the copies from now on; the earlier ones stay (kept days need them)."""
    path = keys_path(instance)
    with file_lock(path.with_name(KEYS_FILE + ".lock")):
        seal = read(path)
        if seal is None:
            raise OffsiteError("There is no off-site key yet: it is made when the folder is saved.")
        key = Key.make(instance.clock.today())
        write(path, Seal([*seal.keys, key], seal.unsealed))
        return key


def adopt(instance: Instance, keys: list[Key]) -> Seal:
    """The keys of a recovery kit, on a new server: added to any already here."""
    path = keys_path(instance)
    with file_lock(path.with_name(KEYS_FILE + ".lock")):
        seal = read(path)
        known = {key.id for key in seal.keys} if seal else set()
        merged = [k for k in keys if k.id not in known] + (list(seal.keys) if seal else [])
        seal = Seal(merged, seal.unsealed if seal else ())
        write(path, seal)
        return seal


def _unsealed_manifests(target: OffsiteFolder) -> list[Unsealed]:
    """Every unsealed manifest of the portal's on the share, by its SHA-256."""
    if why := target.reach_problem():
        raise OffsiteError(why)
    if target.problem() is not None:
        return []  # nothing of the portal's can be there yet (a new or foreign folder)
    found = []
    for day in target.survey().days:
        for name in day.manifests:
            if is_sealed_name(name):
                continue
            text = days_mod.read_small(target, day.path / name, days_mod.MANIFEST_MAX_BYTES)
            if text is not None:
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
                found.append(Unsealed(day.day, name, digest))
    return found
