"""Sending one notice: a mail through the standard library's smtplib (no extension
needed for one plain-text message; Flask-Mail would add a dependency for the same
call), or a webhook POST through urllib. Short timeouts: a dead server costs seconds."""

from __future__ import annotations

import errno
import json
import smtplib
import ssl
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from portal.notify.settings import MailSettings


def send_mail(settings: MailSettings, subject: str, body: str) -> None:
    """Send one mail to every recipient; OSError or smtplib.SMTPException on failure."""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender or settings.username or "office-portal@localhost"
    message["To"] = ", ".join(settings.recipients)
    message["Message-ID"] = make_msgid(domain="office-portal")
    # Some mail servers and filters refuse or rank down a mail without a Date (issue 24).
    message["Date"] = formatdate(localtime=True)
    message.set_content(body)
    context = ssl.create_default_context()
    if settings.use_ssl:
        smtp = smtplib.SMTP_SSL(
            settings.server, settings.port, timeout=settings.timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.server, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.use_tls and not settings.use_ssl:
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(message)


def post_webhook(url: str, payload: dict, timeout: float) -> None:
    """POST a small JSON object; OSError (urllib's errors are OSErrors) on failure."""
    if not url.lower().startswith(("http://", "https://")):
        raise OSError(errno.EINVAL, "the webhook URL must start with http:// or https://")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=json.dumps(payload).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": "office-portal"},
        method="POST",
    )
    # nosec B310: the scheme is checked above (http or https only, never file:).
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 # nosec B310
        response.read(1024)
