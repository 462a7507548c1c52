"""`flask --app portal demo`: load the sample organisation."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal import clock, demo
from portal.cli.common import record
from portal.db import get_db


def load_demo() -> list[tuple[str, str, str]] | None:
    """Load the demo into an empty instance; None if the instance has people already."""
    system = get_db("system.db")
    if not demo.is_empty(system):
        return None
    people = demo.load(
        system, get_db("schedule.db"), get_db("bulletin.db"), get_db("todo.db"), clock.now()
    )
    record("demo loaded", f"{len(people)} sample people")
    return people


def print_demo_people(people: list[tuple[str, str, str]]) -> None:
    """The demo logins and their password."""
    click.echo(f"Demo organisation loaded. Every demo user's password is: {demo.DEMO_PASSWORD}")
    for login, name, group in people:
        click.echo(f"  {login:<8} {name:<14} {group}")


@click.command("demo", short_help="Load the sample organisation into an empty instance.")
@with_appcontext
def demo_command() -> None:
    """Load a sample organisation (3 groups, 10 people, events, posts, to-dos)."""
    people = load_demo()
    if people is None:
        raise click.ClickException(
            "This instance already has people or groups; the demo loads only into an empty "
            "instance (use another one with PORTAL_INSTANCE_PATH)."
        )
    print_demo_people(people)
