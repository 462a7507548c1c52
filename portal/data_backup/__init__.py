"""Data Backup in the portal, above the engine (portal/backup/, which knows no Flask):

- service.py: `DataBackup`, the engine bound to this portal's data files, folder and
  clock; every run and restore audited in one unit of work (unit_of_work.py); today's
  backup recorded when every file was copied. It knows no Flask.
- bootstrap.py: builds it once for an instance (create_app); the pages and commands take
  it with portal.web's `data_backup_of(app)`, the scheduler is handed it.
- records.py: what happened to each day's automatic backup.
- jobs.py: backups started from a page run in the background, with their progress.
- status.py: what the portlet, the Backup page and the Data Backup page show.
- alarms.py: what Data Backup raises in words (a failed backup, a damaged copy, an
  off-site copy failing); portal/notify/ sends it.
- offsite*.py, recovery_kit.py, rebuild.py, clock_mistake.py: the off-site copy as the
  portal runs it, its keys and recovery kit, a new server from the share; dates a clock
  once far ahead left behind.
Every Data Backup page (the members' Backup page and the administrator's Data Backup
page) is in portal/data_backup_pages/; the afternoon reminder is portal/reminder/, the
automatic backup at night portal/nightly/."""

from portal.data_backup.service import DataBackup, last_verify

__all__ = ["DataBackup", "last_verify"]
