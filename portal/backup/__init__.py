"""The backup engine: consistent live copies of the SQLite data files, 7 earlier
generations, the backup.txt ledger, verify and restore.

Plain Python, no Flask: it takes paths, a clock and who asked, so the web pages, the
scheduler and the command line all call the same code (see engine.BackupEngine)."""

from portal.backup.engine import BackupEngine, FileResult, RunResult, Source
from portal.backup.errors import BackupBusy, BackupError, RestoreError
from portal.backup.layout import GENERATIONS, Layout

__all__ = [
    "GENERATIONS",
    "BackupBusy",
    "BackupEngine",
    "BackupError",
    "FileResult",
    "Layout",
    "RestoreError",
    "RunResult",
    "Source",
]
