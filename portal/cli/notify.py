"""`flask --app portal notify test`: send a test notice by mail (and webhook) now."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.notify import failures, send_test
from portal.notify import settings as notify_settings
from portal.web import current_instance, get_db

notify_group = AppGroup("notify", help="Notices by mail and webhook when backups go wrong.")


@notify_group.command("test", short_help="Send a test notice now.")
def test_command() -> None:
    """Send a test mail to NOTIFY_EMAILS (and a POST to NOTIFY_WEBHOOK_URL, if set).
    Exit status 1 when it could not be sent, with the reason."""
    instance = current_instance()
    errors = send_test(instance)
    if errors:
        raise click.ClickException("The test notice was not sent: " + "; ".join(errors))
    mail = notify_settings.load(get_db("system.db"), instance)
    where = []
    if mail.mail_on:
        where.append(f"mail to {', '.join(mail.recipients)} via {mail.server}:{mail.port}")
    if mail.webhook_url:
        where.append(f"a POST to {failures.where(mail.webhook_url)}")
    click.echo("The test notice was sent: " + " and ".join(where) + ".")
