"""Operator commands: `flask --app portal ...`. Each is a thin door onto the same
functions the web pages use."""

from flask import Flask


def register(app: Flask) -> None:
    """Add the commands to `flask --app portal`."""
    from portal.cli.backup import backup_group
    from portal.cli.backup_group import backup_group as backup_group_group
    from portal.cli.demo import demo_command
    from portal.cli.instance import init_command
    from portal.cli.users import set_admin_password_command, user_group

    for command in (
        init_command,
        set_admin_password_command,
        user_group,
        demo_command,
        backup_group,
        backup_group_group,
    ):
        app.cli.add_command(command)
