"""`flask --app portal init`: create or upgrade the instance."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal import db
from portal.users import ADMIN_LOGIN, find_user


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the instance: folders, secret key, data files. Safe to repeat."""
    app = current_app
    # create_app has already created and upgraded everything when the command
    # started; this reports what it did.
    report = app.extensions["portal.schema_report"]
    click.echo(f"Instance: {app.instance_path}")
    for name, (before, after) in report.items():
        state = "up to date" if before == after else f"upgraded from version {before}"
        click.echo(f"  {name}: schema version {after} ({state})")
    click.echo(f"Data files: {app.config['DATA_DIR']}")
    click.echo(f"Backups:    {app.config['BACKUP_DIR']}")
    admin = find_user(db.get_db("system.db"), ADMIN_LOGIN)
    if admin and not admin.has_password:
        click.echo(
            "The admin password is not set yet: run `flask --app portal set-admin-password`, "
            "or start the portal with `python -m portal`, which makes one and prints it once."
        )
