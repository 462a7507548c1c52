"""People on the command line: set-admin-password, user add/list/remove."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from portal import people, web
from portal.cli.common import read_password
from portal.filters import count
from portal.passwords import hash_password, set_password
from portal.users import UserError, add_user, ensure_admin, list_users
from portal.web import current_instance, get_db, log_event

user_group = AppGroup("user", help="Add, list and remove the people who log in.")


@click.command("set-admin-password", short_help="Set the admin password.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def set_admin_password_command(password_stdin: bool) -> None:
    """Set the admin password (the Administrator's, asked for by System Settings)."""
    password = read_password(password_stdin, "New admin password")
    conn = get_db("system.db")
    admin = ensure_admin(conn, web.now())
    set_password(conn, admin.id, hash_password(password))
    log_event("admin password set", "the admin password was changed")
    click.echo("The admin password is set. Existing Administrator sessions were ended.")


@user_group.command("add")
@click.argument("login")
@click.option("--name", required=True, help='Full name, e.g. "Alice Brown".')
@click.option("--group", required=True, help="Group; created if it does not exist.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add_command(login: str, name: str, group: str, password_stdin: bool) -> None:
    """Add a person who can log in."""
    password = read_password(password_stdin, f"Password for {login}")
    try:
        user = add_user(get_db("system.db"), login, name, group, hash_password(password), web.now())
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    log_event("user added", f"{user.login} ({user.name}) in {user.group_name}")
    click.echo(f"Added {user.login} ({user.name}) to the group {user.group_name}.")


@user_group.command("list")
def list_command() -> None:
    """List everyone: login, name, group."""
    users = list_users(get_db("system.db"))
    width = max([len(u.login) for u in users] + [5])
    click.echo(f"{'LOGIN':<{width}}  {'NAME':<24}  {'GROUP':<16}  NOTE")
    for user in users:
        note = "administrator" if user.is_admin else ""
        if not user.has_password:
            note = (note + ", " if note else "") + "no password set"
        click.echo(f"{user.login:<{width}}  {user.name:<24}  {user.group_name or '-':<16}  {note}")


@user_group.command("remove")
@click.argument("login")
def remove_command(login: str) -> None:
    """Remove a person; they are logged out at once. Their to-dos and events are
    deleted; their posts stay under their name, marked as removed. Their id is never
    given to anyone else."""
    try:
        user, todos, events = people.remove(current_instance(), login, web.now())
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    deleted = f"{count(todos, 'to-do')} and {count(events, 'event')}"
    log_event("user removed", f"{user.login} ({user.name}); {deleted}")
    click.echo(
        f"Removed {user.login} ({user.name}): {deleted} deleted; "
        "their posts stay, marked as removed."
    )
