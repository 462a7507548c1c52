"""The daily backup reminder: the Data Backup Group, afternoon forwarding to the
Backup page (Backup, with a confirmation screen, or Skip), and the portal portlet."""
