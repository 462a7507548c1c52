"""Data Backup in the portal, above the engine (portal/backup/, which knows no Flask):

- service.py: the engine bound to this portal's data files, folder and clock; every run
  and restore audited; today's backup recorded when every file was copied.
- records.py: what happened to each day's automatic backup.
- jobs.py: backups started from a page run in the background, with their progress.
- status.py: what the portlet, the Backup page and the Data Backup page show.
- views.py: the Backup page, its confirmation, the progress and the result.

The Data Backup page itself is a System Settings page (portal/settings/data_backup_page.py);
the afternoon reminder is portal/reminder/, the automatic backup at night portal/nightly/.
Callers use the service through this package: `data_backup.run_backup(...)`."""

from portal.data_backup.service import (
    engine,
    folder_problems,
    folder_warnings,
    last_verify,
    restore,
    run_backup,
    verify,
)

__all__ = [
    "engine",
    "folder_problems",
    "folder_warnings",
    "last_verify",
    "restore",
    "run_backup",
    "verify",
]
