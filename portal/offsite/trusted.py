"""Which manifest on the share the portal may believe. Once the portal seals its copies
(seal.py), a manifest is believed only when it is sealed with one of the portal's keys
for the very day folder and manifest number it was found under, or when it is one of the
unsealed manifests the portal wrote down when its first key was made. Anything else is
named (forged, altered, moved) and never offered, verified as good, reused or pruned."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Protocol

from portal.offsite import manifest as manifest_mod
from portal.offsite.confined import Confined, NotFollowed
from portal.offsite.manifest import is_sealed_name, manifest_number
from portal.offsite.seal import Seal, SealError


class OffsiteFolder(Protocol):
    """What these functions read of an OffsiteFolder (folder.py)."""

    confined: Confined
    owner: str
    seal: Seal | None


# A manifest of ours is a few kB; a larger file is damage and is not read whole.
MANIFEST_MAX_BYTES = 256 * 1024


def read_small(folder: OffsiteFolder, path: Path, limit: int) -> str | None:
    """The text of a regular file under the root, at most `limit` bytes, or None when
    missing or not a regular file (a link is never followed). OSError when it
    cannot be read; text that is not UTF-8 is decoded with replacement characters."""
    data = read_small_bytes(folder, path, limit)
    return None if data is None else as_text(data)


def as_text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


def read_small_bytes(folder: OffsiteFolder, path: Path, limit: int) -> bytes | None:
    """read_small's bytes."""
    try:
        fd = folder.confined.open_file(path, os.O_RDONLY)
    except (FileNotFoundError, NotADirectoryError, NotFollowed):
        return None
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise OSError(f"{path.name} is larger than any the portal writes ({limit} bytes)")
    return data


def manifest_text(folder: OffsiteFolder, day: date, path: Path, name: str):
    """(text, None) for a manifest that may be read as the portal's; (None, why) for one
    that must never be trusted (a seal that is not this portal's, a sealed manifest of
    another day or number, an unsealed one this portal never wrote); (None, None) when
    it is not there."""
    data = read_small_bytes(folder, path / name, MANIFEST_MAX_BYTES)
    if data is None:
        return None, None
    if not is_sealed_name(name):
        text = as_text(data)
        if folder.seal is None or not manifest_mod.is_manifest_of(day, text):
            return text, None
        if folder.seal.knows_unsealed(day, name, text):
            return text, None
        return None, (
            f"forged: {name} is not sealed, and is not one of the unsealed manifests this "
            "portal wrote before it sealed its copies"
        )
    if folder.seal is None:
        return None, f"{name} is sealed with a key this portal does not have (see the recovery kit)"
    try:
        text = folder.seal.open_text(data)
    except SealError as exc:
        return None, f"forged or altered: {exc}"
    said = manifest_mod.read(day, text)
    if not manifest_mod.is_manifest_of(day, text) or said.number != manifest_number(name):
        return None, f"moved: {name} is a sealed manifest of another day or place (swapped?)"
    if said.owner != folder.owner:
        return None, f"{name} is sealed by this portal's key for another portal instance"
    return text, None
