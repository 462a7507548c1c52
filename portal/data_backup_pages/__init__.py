"""Every Data Backup page, in one package with one blueprint ("data_backup"):

- backup_page.py: the Backup page of the manual, for members of the Data Backup Group
  (Backup, its confirmation screen, the progress and result; Skip), under /backup.
- settings_page.py: System Settings > Data Backup, for the administrator (Create, Update,
  Back up all, Verify, Restore behind its confirmation screen, the automatic backup's
  state, the off-site folder), under /settings/data-backup; offsite_copies.py,
  recovery_kit_page.py and clock_mistake_page.py are its parts.

The service they call is portal/data_backup/ (portal.web.data_backup_of); the engine is
portal/backup/. routes.py lists every route with who may open it."""
