"""Operator commands: `flask --app portal ...`. Each is a thin door onto the same
functions the web pages use."""

from __future__ import annotations

import functools
import sqlite3

import click
from flask import Flask
from flask.cli import ScriptInfo

from portal import data_health, startup
from portal import instance as instance_folder  # not portal.cli.instance, the init command
from portal.nightly import watch
from portal.web import instance_of


def register(app: Flask) -> None:
    """Add the commands to `flask --app portal`."""
    from portal.cli.backup import backup_group
    from portal.cli.backup_group import backup_group as backup_group_group
    from portal.cli.demo import demo_command
    from portal.cli.instance import init_command
    from portal.cli.notify import notify_group
    from portal.cli.users import set_admin_password_command, user_group

    for command in (
        init_command,
        set_admin_password_command,
        user_group,
        demo_command,
        backup_group,
        backup_group_group,
        notify_group,
    ):
        _guard(command)
        app.cli.add_command(command)


def _guard(command: click.Command) -> None:
    """Every command first says which data file is missing or damaged and how to bring
    it back, and ends a data file or disk problem with `Error: ...`, never a traceback."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _guard(sub)
        return
    if getattr(command.callback, "_portal_guarded", False):
        return
    callback = command.callback

    @functools.wraps(callback)
    def guarded(*args, **kwargs):
        # The app this command runs on, loaded the way with_appcontext loads it.
        app = click.get_current_context().ensure_object(ScriptInfo).load_app()
        # init makes an instance; so does rebuild (a new server, from the off-site copy).
        _open(app, command.name in ("init", "rebuild"))
        problems = data_health.problems(instance_of(app))
        if command.name != "init":  # init says it in its own words
            for message in problems.values():
                click.echo(f"Warning: {message}", err=True)
            if not problems:
                # Any process that starts tells of a backup that was missed while no
                # portal process was running (the dead man's switch; sent once).
                watch.check(instance_of(app))
        try:
            return callback(*args, **kwargs)
        except (sqlite3.Error, OSError) as exc:
            hint = " ".join(map(str, problems.values())) or "Check the disk and the data folder."
            raise click.ClickException(f"{exc}. {hint}") from exc

    guarded._portal_guarded = True
    command.callback = guarded


def _open(app: Flask, is_init: bool) -> None:
    """Open the instance for the command that runs: `init` makes it if need be; any other
    command on a folder that holds no instance says so, and changes nothing."""
    if app.extensions.get(startup.OPENED):
        return
    if not is_init and not instance_folder.exists(instance_of(app)):
        raise click.ClickException(
            f"there is no portal instance at {instance_of(app).path} (named by "
            "PORTAL_INSTANCE_PATH; the default is ./instance). Create it with "
            f"`{instance_of(app).command('init')}`, or start the portal there "
            "with `python -m portal`."
        )
    startup.open_instance(app, create=is_init)
