"""`flask --app portal init`: create or upgrade the instance."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal import data_health, db, startup
from portal.db import data_path
from portal.users import ADMIN_LOGIN, find_user
from portal.web import current_instance, get_db


@click.command("init", short_help="Create or upgrade the instance (safe to repeat).")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the instance: folders, secret key, data files. Safe to repeat."""
    app, instance = current_app, current_instance()
    # create_app has already upgraded every sound data file (and made them all on a new
    # instance); init also makes a missing data file that has no copies. One that has
    # copies is restored, never made empty: an empty file would be backed up over them.
    report = startup.schema_report(app)
    backup_dir = instance.backup_dir
    unfixable = []
    for name, message in data_health.problems(instance).items():
        if data_path(name, instance.data_dir).exists() or data_health.has_copies(backup_dir, name):
            unfixable.append(str(message))
            continue
        report.update(db.migrate_all(instance, create=True, only=[name]))
        click.echo(f"  {name}: created empty (it was missing and has no copies)")
    click.echo(f"Instance: {instance.path}")
    for name, (before, after) in report.items():
        state = "up to date" if before == after else f"upgraded from version {before}"
        click.echo(f"  {name}: schema version {after} ({state})")
    click.echo(f"Data files: {instance.data_dir}")
    click.echo(f"Backups:    {instance.backup_dir}")
    if unfixable:
        raise click.ClickException(" ".join(unfixable))
    admin = find_user(get_db("system.db"), ADMIN_LOGIN)
    if admin and not admin.has_password:
        click.echo(
            "The admin password is not set yet: run "
            f"`{instance.command('set-admin-password')}`, or start the portal with "
            f"`python -m portal --instance {instance.path}`, which makes one and prints it "
            "once."
        )
