@echo off
rem The Office Portal's safety net for the automatic backup, run by Task Scheduler every
rem 15 minutes (deploy\iis\backup-task.xml) beside the portal's own scheduler. It runs the
rem day's automatic backup only if it is due and has not run: after an IIS recycle or a
rem restart that started no portal process, the backup still happens. The lock and the
rem day's record keep it to one run a day, whoever comes first.
rem
rem Paths follow from where this file is: <portal folder>\deploy\iis\backup-if-due.cmd.
rem The working folder must be the portal folder: `flask --app portal` imports from it.
cd /d "%~dp0..\.."
set "PORTAL_INSTANCE_PATH=%CD%\instance"
"%CD%\.venv\Scripts\python.exe" -m flask --app portal backup run --if-due >> "%CD%\logs\backup-task.log" 2>&1
