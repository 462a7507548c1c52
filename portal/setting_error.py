"""A setting the portal cannot use (a PORTAL_* variable, <instance>/config.py): said in
one line naming the setting and what it takes, never a traceback."""

import click


class SettingError(click.ClickException):
    """A setting of the wrong type or value. A ClickException, so that `flask --app
    portal ...` says it as "Error: ..." with status 1 when loading the app meets it;
    `python -m portal` and `wsgi.py` say it in the same words."""
