"""A sealed copy opened on this side: into a new local file, owner-only, in a folder of
the portal's own (the backup folder's `offsite-opened/`), never on the share; checked or
restored there, then removed by its caller.

The folder is its own: the backup folder's work files are a backup run's to remove as
leftovers, and a run (a member's click) once removed a copy an off-site verify was
checking, which then called a good copy damaged. What a killed process leaves here is
removed by the next one that opens a copy, once it is surely abandoned."""

from __future__ import annotations

import secrets
from pathlib import Path

from portal.backup.open_copy import ABANDONED_SECONDS
from portal.backup.open_copy import tidy_abandoned as tidy_opened
from portal.offsite.days import PARTIAL
from portal.offsite.errors import OffsiteError
from portal.offsite.seal import Seal
from portal.offsite.shareops import ShareOps

OPENED_FOLDER = "offsite-opened"  # in the backup folder
# One opened copy lives for one check or restore (minutes); a day is surely abandoned
# (ABANDONED_SECONDS, as for the local copies opened: portal/backup/open_copy.py).
__all__ = ["ABANDONED_SECONDS", "OPENED_FOLDER", "open_copy", "tidy_abandoned"]


def open_copy(ops: ShareOps, seal: Seal | None, folder: Path, path: Path) -> tuple[Path, str]:
    """The sealed copy at `path` opened into a new file in `folder`, and the SHA-256 of
    what it holds. SealError when it does not open with the portal's keys."""
    if seal is None:
        raise OffsiteError(f"{path} is sealed, and this portal has no off-site key.")
    folder.mkdir(mode=0o700, exist_ok=True)
    tidy_abandoned(folder)
    local = folder / f".offsite-opened.{secrets.token_hex(6)}{PARTIAL}"
    return local, ops.open_sealed(path, local, seal)


def tidy_abandoned(folder: Path, now: float | None = None) -> list[str]:
    """Remove the opened copies a killed process left (older than a day); their names."""
    return tidy_opened(folder, f".offsite-opened.*{PARTIAL}", now)
