"""Where notices go: the mail settings in Flask-Mail's names (MAIL_SERVER, MAIL_PORT,
MAIL_USE_TLS, MAIL_USE_SSL, MAIL_USERNAME, MAIL_PASSWORD, MAIL_DEFAULT_SENDER), the
addresses (NOTIFY_EMAILS) and NOTIFY_WEBHOOK_URL. Values saved on the Schedule Data
Backup page (system.db) win over the configuration; the password is never shown back."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, fields

from portal import settings_store
from portal.instance import Instance
from portal.settings_store import get_json, put_json

SETTING_KEY = settings_store.NOTIFY_MAIL


@dataclass(frozen=True)
class MailSettings:
    server: str = ""
    port: int = 25
    use_tls: bool = False
    use_ssl: bool = False
    username: str = ""
    password: str = field(default="", repr=False)
    sender: str = ""
    recipients: tuple[str, ...] = ()
    webhook_url: str = ""
    timeout: float = 10

    @property
    def mail_on(self) -> bool:
        return bool(self.server and self.recipients)

    @property
    def on(self) -> bool:
        return self.mail_on or bool(self.webhook_url)


def addresses(text: str | list | tuple) -> tuple[str, ...]:
    """'a@x, b@y' (or a list) as a tuple of addresses."""
    parts = text if isinstance(text, (list, tuple)) else str(text or "").split(",")
    return tuple(part.strip() for part in parts if str(part).strip())


def _from_config(instance: Instance) -> dict:
    config = instance.config
    return {
        "server": str(config["MAIL_SERVER"] or ""),
        "port": int(config["MAIL_PORT"] or 25),
        "use_tls": bool(config["MAIL_USE_TLS"]),
        "use_ssl": bool(config["MAIL_USE_SSL"]),
        "username": str(config["MAIL_USERNAME"] or ""),
        "password": str(config["MAIL_PASSWORD"] or ""),
        "sender": str(config["MAIL_DEFAULT_SENDER"] or ""),
        "recipients": addresses(config["NOTIFY_EMAILS"]),
        "webhook_url": str(config["NOTIFY_WEBHOOK_URL"] or ""),
        "timeout": float(config["NOTIFY_TIMEOUT_SECONDS"]),
    }


def load(conn: sqlite3.Connection, instance: Instance) -> MailSettings:
    """The settings in force: the page's saved values over the configuration's."""
    values = _from_config(instance)
    stored = get_json(conn, SETTING_KEY)
    names = {f.name for f in fields(MailSettings)}
    for name, value in stored.items():
        if name in names and name != "timeout":
            values[name] = addresses(value) if name == "recipients" else value
    try:
        values["port"] = int(values["port"])
    except (TypeError, ValueError):
        values["port"] = 25
    return MailSettings(**values)


def save(conn: sqlite3.Connection, settings: MailSettings, *, keep_password: bool) -> None:
    """Store the page's values; `keep_password` keeps the stored password (the page never
    shows it back, so an empty field means "unchanged")."""
    stored = get_json(conn, SETTING_KEY)
    values = {
        "server": settings.server,
        "port": settings.port,
        "use_tls": settings.use_tls,
        "use_ssl": settings.use_ssl,
        "username": settings.username,
        "sender": settings.sender,
        "recipients": list(settings.recipients),
        "webhook_url": settings.webhook_url,
        "password": stored.get("password", "") if keep_password else settings.password,
    }
    put_json(conn, SETTING_KEY, values)
