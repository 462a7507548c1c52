"""People on the command line: set-admin-password, user add/list/remove/bring-back."""

from __future__ import annotations

import click
from flask.cli import AppGroup, with_appcontext

from portal import people, web
from portal.backup import BackupError
from portal.backup.layout import copy_words
from portal.cli.common import ACTOR, confirm_or_stop, read_password
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


@user_group.command("bring-back", short_help="Bring a removed person back from a copy.")
@click.argument("login")
@click.option(
    "--generation",
    "-g",
    type=click.IntRange(0, 7),
    required=True,
    help="The copy of system.db taken before the removal: 0 (newest) to 7.",
)
@click.option("--password-stdin", is_flag=True, help="A new password, from standard input.")
@click.option("--new-password", is_flag=True, help="Set a new password (asked twice).")
@click.option("--yes", is_flag=True, help="Do not ask first.")
def bring_back_command(
    login: str, generation: int, password_stdin: bool, new_password: bool, yes: bool
) -> None:
    """Bring back a person removed since system.db's copy at --generation: their
    account (the same id, login, name, group and password, or a new password; their old
    sessions stay ended) and Data Backup Group membership, then their to-dos and events
    from the newest copies that still hold them. Their posts were never deleted."""
    from portal.bring_back.bring import BringBackError
    from portal.bring_back.copies import CopyRef
    from portal.bring_back.person import bring_back_person

    if not yes:
        confirm_or_stop(
            f"Bring {login} back from {copy_words(generation)} of system.db, with their "
            "to-dos and events from the newest copies that hold them?",
            "Nobody was brought back.",
        )
    digest = None
    if password_stdin or new_password:
        digest = hash_password(read_password(password_stdin, f"New password for {login}"))
    try:
        back = bring_back_person(
            current_instance(),
            web.current_data_backup(),
            login,
            CopyRef(generation),
            ACTOR,
            digest,
        )
    except (BackupError, BringBackError) as exc:
        raise click.ClickException(str(exc)) from exc
    for sentence in back.sentences():
        click.echo(sentence)
