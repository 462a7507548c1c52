"""Unattended backups: the automatic backup at a set time each night, run by the one
process that holds scheduler leadership, or by the operating system's scheduler through
`flask --app portal backup run --if-due`."""
