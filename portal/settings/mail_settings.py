"""Mail for notices on the Schedule Data Backup page: the form as the settings in force
are (the password never shown back), and the settings as typed (an empty password field
keeps the stored one). The route is in schedule_backup.py."""

from __future__ import annotations

from portal.notify import settings as notify_settings
from portal.settings.forms import MailForm
from portal.web import current_instance

SECURITY = {"none": (False, False), "tls": (True, False), "ssl": (False, True)}


def stored_form(conn) -> MailForm:
    """The form as the settings in force are (the password left empty)."""
    mail = notify_settings.load(conn, current_instance())
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


# Said at the password field when the stored password would go somewhere else.
RETYPE = (
    "Type the password again: the stored password is used only with the mail server, "
    "port and user name it was saved with."
)


def typed(form: MailForm, conn) -> tuple[notify_settings.MailSettings, bool]:
    """The settings as typed, and whether the password must be typed again. An empty
    password field means the stored password, but only for the server, port and user
    name it was saved with: elsewhere none, and with a user name set and a password
    stored, it must be typed (a typed server must never be sent the stored password)."""
    stored = notify_settings.load(conn, current_instance())
    use_tls, use_ssl = SECURITY.get(form.security.data, (False, False))
    server = (form.server.data or "").strip()
    port = form.port.data or (465 if use_ssl else 587 if use_tls else 25)
    username = (form.username.data or "").strip()
    same_place = (server, port, username) == (stored.server, stored.port, stored.username)
    settings = notify_settings.MailSettings(
        server=server,
        port=port,
        use_tls=use_tls,
        use_ssl=use_ssl,
        username=username,
        password=form.password.data or (stored.password if same_place else ""),
        sender=(form.sender.data or "").strip(),
        recipients=notify_settings.addresses(form.recipients.data or ""),
        webhook_url=(form.webhook_url.data or "").strip(),
        timeout=stored.timeout,
    )
    retype = bool(username and stored.password and not settings.password)
    return settings, retype


def missing(mail: notify_settings.MailSettings) -> dict[str, str]:
    """What a test cannot go without, by the form's field, in the page's words (issue 24:
    the page said "MAIL_SERVER, NOTIFY_EMAILS", the settings' names)."""
    found = {}
    if mail.recipients and not mail.server:
        found["server"] = "Give the mail server that sends the notices."
    if mail.server and not mail.recipients:
        found["recipients"] = "Give at least one address to send notices to."
    if not (mail.server or mail.recipients or mail.webhook_url):
        found["server"] = "Give the mail server that sends the notices, or a webhook URL."
        found["recipients"] = "Give at least one address to send notices to."
    return found


def failure_field(form: MailForm, channel: str):
    """The field a failed test is said at: the webhook's at Webhook URL, the mail's at
    Mail server (where the server and its port are typed)."""
    return form.webhook_url if channel == "webhook" else form.server
