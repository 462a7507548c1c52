"""What a failed notice says: the kind of failure only, and where it went as scheme and
host only. A mail server or webhook answers with text of its own (an SSH banner when the
port is another service's, an HTTP error page); echoed on the page it would make the
mail fields a port scanner that reads answers. A webhook URL often carries a token
(in its path, query or user part) that must not reach the log or the Backup history."""

from __future__ import annotations

import http.client
import smtplib
import socket
import ssl
import urllib.error
from urllib.parse import urlsplit


def where(url: str) -> str:
    """A URL as scheme and host (and port): 'https://hooks.example:8443'."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(a URL that cannot be read)"
    return f"{parts.scheme or '?'}://{host}{port}"


# The kinds of failure in the order they are asked (a subclass before its base).
_WORDS: tuple[tuple[type[BaseException], str], ...] = (
    (smtplib.SMTPAuthenticationError, "the sign-in was refused"),
    (
        smtplib.SMTPConnectError,
        "the server did not greet as a mail server does (is it another service?)",
    ),
    (smtplib.SMTPServerDisconnected, "the server closed the connection (is it a mail server?)"),
    (smtplib.SMTPRecipientsRefused, "the mail server refused the recipients"),
    (smtplib.SMTPException, "the mail server did not answer as a mail server does"),
    (ssl.SSLError, "TLS failed"),
    (TimeoutError, "timed out"),
    (ConnectionRefusedError, "refused (nothing listens there)"),
    (socket.gaierror, "the server's name is not known"),
    (ConnectionError, "the connection was lost"),
    (http.client.HTTPException, "the server did not answer as a web server does"),
    (ValueError, "the settings hold a value that cannot be sent (a line break?)"),
)


def kind(exc: BaseException) -> str:
    """The kind of failure, in the portal's words, never the remote's text."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP status {exc.code}"
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        return kind(exc.reason)
    if type(exc) is smtplib.SMTPResponseException or isinstance(
        exc, smtplib.SMTPDataError | smtplib.SMTPHeloError | smtplib.SMTPSenderRefused
    ):
        return f"the mail server refused (SMTP code {exc.smtp_code})"
    for kinds, words in _WORDS:
        if isinstance(exc, kinds):
            return words
    if isinstance(exc, OSError):
        return exc.strerror or "a network error"  # the system's words, never the remote's
    return type(exc).__name__
