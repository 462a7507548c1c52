"""Where an off-site folder may be, and how the portal knows its own.

A folder is refused as the off-site folder when it is a drive's root or a system folder
(`/`, `/etc`, `/proc`, `C:\\Windows`, ...), the instance folder or a folder inside or
above it, the data or the backup folder (or inside or above them): pruning deletes there.

The first Save writes a small marker file into the folder naming the portal instance it
belongs to; every run looks for it first. Without it nothing is written: a share that is
not mounted leaves an empty mount point on the server's own disk, and a copy written
there would fill that disk and say "complete". A folder that is not empty and holds no
marker is someone else's, and is refused."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

MARKER_NAME = "office-portal-offsite.txt"
MARKER_TEXT = """\
# This folder holds the Office Portal's off-site copies (one folder per day).
# Do not delete or edit this file: without it the portal takes this folder for a share
# that is not connected, and writes nothing here.
portal\t{owner}
instance\t{instance}
"""
# A marker is a few lines; a larger file there is not one.
MARKER_MAX_BYTES = 4096

# System folders: never an off-site folder, nor any folder inside them.
_POSIX_SYSTEM_TREES = (
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/proc",
    "/run",
    "/sbin",
    "/sys",
    "/usr",
)
# Folders that hold others' things: never the off-site folder itself.
_POSIX_SYSTEM_FOLDERS = (
    "/",
    "/home",
    "/root",
    "/tmp",  # noqa: S108  # nosec B108 - a folder refused, not a temporary file made
    "/var",
    "/mnt",
    "/media",
    "/srv",
    "/opt",
)
_WINDOWS_SYSTEM_TREES = ("windows",)
_WINDOWS_SYSTEM_FOLDERS = ("program files", "program files (x86)", "programdata", "users")


@dataclass(frozen=True)
class Protected:
    """The folders of this portal instance that the off-site folder must stay clear of."""

    instance: Path
    data: Path
    backup: Path

    def named(self) -> list[tuple[str, Path]]:
        return [
            ("the portal's instance folder", self.instance),
            ("the portal's data folder", self.data),
            ("the portal's backup folder", self.backup),
        ]


def _related(a: PurePath, b: PurePath) -> str | None:
    """'inside' when a is inside b, 'above' when a holds b, 'same', or None."""
    if a == b:
        return "same"
    if b in a.parents:
        return "inside"
    if a in b.parents:
        return "above"
    return None


def system_problem(path: PurePath, windows: bool) -> str | None:
    """Why a resolved absolute path is a system folder, or None."""
    if windows:
        win = PureWindowsPath(path)
        parts = [part.lower() for part in win.parts]
        if len(parts) <= 1:
            return "is the root of a drive or share"
        top = parts[1]
        if top in _WINDOWS_SYSTEM_TREES:
            return "is a Windows system folder"
        if len(parts) == 2 and top in _WINDOWS_SYSTEM_FOLDERS:
            return "is a Windows system folder"
        return None
    posix = PurePosixPath(path)
    if str(posix) in _POSIX_SYSTEM_FOLDERS:
        return "is a system folder" if str(posix) != "/" else "is the root of the file system"
    for tree in _POSIX_SYSTEM_TREES:
        if _related(posix, PurePosixPath(tree)) in ("same", "inside"):
            return "is a system folder"
    return None


def location_problem(folder: str, protected: Protected | None) -> str | None:
    """Why `folder` may not be the off-site folder, in words, or None."""
    if not folder.strip():
        return None
    raw = Path(folder.strip())
    if not raw.is_absolute():
        return (
            f"The off-site folder must be a full path (e.g. /mnt/nas/portal or "
            f"\\\\nas\\backup\\portal), not {folder!r}."
        )
    try:
        path = raw.resolve()
    except OSError as exc:
        return f"The off-site folder {raw} cannot be reached ({exc})."
    windows = os.name == "nt"
    if why := system_problem(path, windows):
        return f"The off-site folder {raw} {why}: choose a folder of its own on the share or disk."
    places = []
    for words, place in protected.named() if protected else []:
        try:
            places.append((words, Path(place).resolve()))
        except OSError:
            continue
    # The most precise answer: the deepest folder it is (or is inside), the shallowest
    # folder it holds.
    for words, place in sorted(places, key=lambda wp: len(wp[1].parts), reverse=True):
        relation = _related(path, place)
        if relation == "same":
            return (
                f"The off-site folder {raw} is {words}: choose a folder on another disk or share."
            )
        if relation == "inside":
            return (
                f"The off-site folder {raw} is inside {words} ({place}): choose a folder "
                "on another disk or share."
            )
    for words, place in sorted(places, key=lambda wp: len(wp[1].parts)):
        if _related(path, place) == "above":
            return (
                f"The off-site folder {raw} holds {words} ({place}): choose a folder of its "
                "own on another disk or share."
            )
    return None


@dataclass(frozen=True)
class Marker:
    owner: str
    instance: str


def render_marker(owner: str, instance: str) -> str:
    return MARKER_TEXT.format(owner=owner, instance=instance.replace("\n", " "))


def parse_marker(text: str) -> Marker | None:
    """The marker's fields, or None when the text is not a marker."""
    fields = {}
    for line in text.splitlines():
        if line.startswith("#") or "\t" not in line:
            continue
        key, _, value = line.partition("\t")
        fields[key] = value.strip()
    if not fields.get("portal"):
        return None
    return Marker(fields["portal"], fields.get("instance", ""))
