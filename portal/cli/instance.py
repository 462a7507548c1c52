"""`flask --app portal init`: create or upgrade the instance."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal import data_health, db
from portal.db import data_path
from portal.instance import flask_command
from portal.users import ADMIN_LOGIN, find_user


@click.command("init", short_help="Create or upgrade the instance (safe to repeat).")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the instance: folders, secret key, data files. Safe to repeat."""
    app = current_app
    # create_app has already upgraded every sound data file (and made them all on a new
    # instance); init also makes a missing data file that has no copies. One that has
    # copies is restored, never made empty: an empty file would be backed up over them.
    report = dict(app.extensions["portal.schema_report"])
    backup_dir = Path(app.config["BACKUP_DIR"])
    unfixable = []
    for name, message in data_health.problems(app).items():
        if data_path(name).exists() or data_health.has_copies(backup_dir, name):
            unfixable.append(str(message))
            continue
        report.update(db.migrate_all(app, create=True, only=[name]))
        click.echo(f"  {name}: created empty (it was missing and has no copies)")
    click.echo(f"Instance: {app.instance_path}")
    for name, (before, after) in report.items():
        state = "up to date" if before == after else f"upgraded from version {before}"
        click.echo(f"  {name}: schema version {after} ({state})")
    click.echo(f"Data files: {app.config['DATA_DIR']}")
    click.echo(f"Backups:    {app.config['BACKUP_DIR']}")
    if unfixable:
        raise click.ClickException(" ".join(unfixable))
    admin = find_user(db.get_db("system.db"), ADMIN_LOGIN)
    if admin and not admin.has_password:
        click.echo(
            "The admin password is not set yet: run "
            f"`{flask_command(app, 'set-admin-password')}`, or start the portal with "
            f"`python -m portal --instance {app.instance_path}`, which makes one and prints it "
            "once."
        )
