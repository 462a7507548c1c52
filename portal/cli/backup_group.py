"""`flask --app portal backup-group ...`: the Data Backup Group and the Schedule Data
Backup switch, for operators (System Settings offers the same in the browser)."""

from __future__ import annotations

from datetime import time

import click
from flask.cli import AppGroup

from portal import web
from portal.reminder import group, store
from portal.users import find_user
from portal.web import get_db, log_event

backup_group = AppGroup("backup-group", help="The Data Backup Group and the daily backup reminder.")


def _users(logins: tuple[str, ...]):
    conn = get_db("system.db")
    found, missing = [], []
    for login in logins:
        user = find_user(conn, login)
        (found if user else missing).append(user or login)
    if missing:
        raise click.ClickException(f"No such user: {', '.join(missing)}.")
    return conn, found


# Asking for what is already so (adding a member, removing a non-member) is not an
# error: the command says so for that person and exits 0, so a script may repeat it.
# An unknown login is an error, and then nobody is changed.


@backup_group.command("add")
@click.argument("logins", nargs=-1, required=True)
def add_command(logins: tuple[str, ...]) -> None:
    """Add users to the Data Backup Group."""
    conn, users = _users(logins)
    change = group.add(conn, users, web.now())
    for user in change.already:
        click.echo(f"{user.name} is already in the Data Backup Group.")
    if change.changed:
        log_event("backup group changed", "added " + ", ".join(u.login for u in change.changed))
        click.echo("Added to the Data Backup Group: " + ", ".join(u.name for u in change.changed))


@backup_group.command("remove")
@click.argument("logins", nargs=-1, required=True)
def remove_command(logins: tuple[str, ...]) -> None:
    """Take users out of the Data Backup Group."""
    conn, users = _users(logins)
    change = group.remove(conn, users)
    for user in change.already:
        click.echo(f"{user.name} is not in the Data Backup Group.")
    if change.changed:
        log_event("backup group changed", "removed " + ", ".join(u.login for u in change.changed))
        click.echo(
            "Removed from the Data Backup Group: " + ", ".join(u.name for u in change.changed)
        )


@backup_group.command("list")
def list_command() -> None:
    """Show the switch, the window and the members."""
    conn = get_db("system.db")
    settings = store.get_settings(conn)
    state = "on" if settings.enabled else "off"
    click.echo(
        f"Schedule Data Backup: {state}; reminder window {settings.start:%H:%M} to "
        f"{settings.end:%H:%M}"
    )
    members = store.members(conn)
    if not members:
        click.echo("The Data Backup Group is empty.")
    for user in members:
        click.echo(f"  {user.login:<12} {user.name}")


def _switch(enabled: bool) -> None:
    conn = get_db("system.db")
    current = store.get_settings(conn)
    store.save_settings(
        conn, store.ReminderSettings(enabled, current.start, current.end), web.now()
    )
    log_event("backup reminder switched", "on" if enabled else "off")
    click.echo(f"Schedule Data Backup is {'on' if enabled else 'off'}.")


@backup_group.command("enable")
def enable_command() -> None:
    """Switch the daily reminder on (Schedule Data Backup)."""
    _switch(True)


@backup_group.command("disable")
def disable_command() -> None:
    """Switch the daily reminder off."""
    _switch(False)


def _clock_time(_ctx, _param, value: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a time like 12:00") from None


@backup_group.command("window", short_help="Set the reminder window, e.g. 12:00 18:00.")
@click.argument("start", callback=_clock_time)
@click.argument("end", callback=_clock_time)
def window_command(start: time, end: time) -> None:
    """Set the reminder window, e.g. `window 12:00 18:00` (local times)."""
    conn = get_db("system.db")
    current = store.get_settings(conn)
    try:
        store.save_settings(conn, store.ReminderSettings(current.enabled, start, end))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    log_event("backup reminder window", f"{start:%H:%M} to {end:%H:%M}")
    click.echo(f"Reminder window: {start:%H:%M} to {end:%H:%M}.")
