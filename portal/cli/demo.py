"""`flask --app portal demo`: load the sample organisation."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal import demo
from portal.cli.common import ACTOR
from portal.web import current_instance


def print_demo_people(people: list[tuple[str, str, str]]) -> None:
    """The demo logins and their password."""
    click.echo(f"Demo organisation loaded. Every demo user's password is: {demo.DEMO_PASSWORD}")
    for login, name, group in people:
        click.echo(f"  {login:<8} {name:<14} {group}")


@click.command("demo", short_help="Load the sample organisation into an empty instance.")
@with_appcontext
def demo_command() -> None:
    """Load a sample organisation (3 groups, 10 people, events, posts, to-dos)."""
    people = demo.load_into_empty(current_instance(), ACTOR)
    if people is None:
        raise click.ClickException(
            "This instance already has people or groups; the demo loads only into an empty "
            "instance (use another one with PORTAL_INSTANCE_PATH)."
        )
    print_demo_people(people)
