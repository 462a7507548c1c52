"""Mail for notices on the Schedule Data Backup page: the form as the settings in force
are (the password never shown back), and the settings as typed (an empty password field
keeps the stored one). The route is in schedule_backup.py."""

from __future__ import annotations

from flask import current_app

from portal.notify import settings as notify_settings
from portal.settings.forms import MailForm

SECURITY = {"none": (False, False), "tls": (True, False), "ssl": (False, True)}


def stored_form(conn) -> MailForm:
    """The form as the settings in force are (the password left empty)."""
    mail = notify_settings.load(conn, current_app)
    security = "ssl" if mail.use_ssl else "tls" if mail.use_tls else "none"
    return MailForm(
        formdata=None,
        server=mail.server,
        port=mail.port,
        security=security,
        username=mail.username,
        sender=mail.sender,
        recipients=", ".join(mail.recipients),
        webhook_url=mail.webhook_url,
    )


def typed(form: MailForm, conn) -> notify_settings.MailSettings:
    """The settings as typed; an empty password field means the stored password."""
    stored = notify_settings.load(conn, current_app)
    use_tls, use_ssl = SECURITY.get(form.security.data, (False, False))
    return notify_settings.MailSettings(
        server=(form.server.data or "").strip(),
        port=form.port.data or (465 if use_ssl else 587 if use_tls else 25),
        use_tls=use_tls,
        use_ssl=use_ssl,
        username=(form.username.data or "").strip(),
        password=form.password.data or stored.password,
        sender=(form.sender.data or "").strip(),
        recipients=notify_settings.addresses(form.recipients.data or ""),
        webhook_url=(form.webhook_url.data or "").strip(),
        timeout=stored.timeout,
    )
