"""The off-site copy: after each backup, the newest copy of every data file goes to a
second folder (a NAS share, a mounted disk) under a dated folder with a manifest, kept for
a year by a daily/weekly/monthly rule. Plain Python like the engine beside it
(portal/backup/): paths, a clock's day and file operations in, no Flask.

    OFFSITE_DIR/2026-11-27/todo.db.age     a sealed copy (seal.py), read back before it is named
    OFFSITE_DIR/2026-11-27/manifest.age    sealed, written last: a folder without one is incomplete
    OFFSITE_DIR/kept-copies/2026-11-02/    copies of a pruned day that kept days still use
"""

from portal.offsite.errors import OffsiteError
from portal.offsite.folder import DayFolder, OffsiteFolder
from portal.offsite.manifest import Item, Manifest
from portal.offsite.retention import Keep
from portal.offsite.send import LocalCopy, SendResult, send

__all__ = [
    "DayFolder",
    "Item",
    "Keep",
    "LocalCopy",
    "Manifest",
    "OffsiteError",
    "OffsiteFolder",
    "SendResult",
    "send",
]
