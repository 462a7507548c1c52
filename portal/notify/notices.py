"""The notices and the rule that keeps them few: each event is sent at most once, and a
kind is sent at most once an hour. The rule holds across processes: the claim to send is
written in system.db in one write transaction before anything is sent. A notice that
cannot be sent is logged, audited and shown on the Data Backup page; it never raises."""

from __future__ import annotations

import json
import smtplib
import sqlite3
from datetime import datetime, timedelta

from flask import Flask

from portal import audit
from portal.clock import get_clock
from portal.db import open_data_file, transaction
from portal.notify import settings as settings_mod
from portal.notify import transport
from portal.settings_store import get_json, parse_json

# The kinds of notice, and the subject line each one starts with.
KINDS = {
    "backup-failed": "A backup failed",
    "automatic-missed": "The automatic backup did not run",
    "no-backup-today": "No backup was made today",
    "offsite-failing": "The off-site copy has failed for 24 hours",
    "damaged-copy": "Verify found a damaged copy",
}
STATE_KEY = "notify_state"  # {"sent": {kind: {"at": iso, "events": [...]}}, "error": {...}}
PER_KIND = timedelta(hours=1)
REMEMBERED_EVENTS = 50


def _read_state(conn: sqlite3.Connection) -> dict:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (STATE_KEY,)).fetchone()
    return parse_json(row["value"] if row else None)


def _write_state(conn: sqlite3.Connection, state: dict) -> None:
    """Inside the caller's write transaction (put_json would open its own)."""
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (STATE_KEY, json.dumps(state, sort_keys=True)),
    )


def _claim(conn: sqlite3.Connection, kind: str, event: str, now: datetime) -> str | None:
    """Take the right to send this event, or say why not ('already sent', 'too soon')."""
    with transaction(conn):
        state = _read_state(conn)
        sent = state.setdefault("sent", {}).setdefault(kind, {"at": "", "events": []})
        if event in sent["events"]:
            return "already sent"
        if sent["at"] and now - datetime.fromisoformat(sent["at"]) < PER_KIND:
            return "too soon"
        sent["at"] = now.isoformat()
        sent["events"] = [*sent["events"], event][-REMEMBERED_EVENTS:]
        _write_state(conn, state)
    return None


def _deliver(mail: settings_mod.MailSettings, kind: str, subject: str, body: str, facts: dict):
    """Send by every channel that is set; the errors, in words (empty when all went)."""
    errors = []
    if mail.mail_on:
        try:
            transport.send_mail(mail, subject, body)
        except (OSError, smtplib.SMTPException) as exc:
            errors.append(f"mail to {', '.join(mail.recipients)} via {mail.server}: {exc}")
    if mail.webhook_url:
        payload = {"kind": kind, "subject": subject, "text": body, **facts}
        try:
            transport.post_webhook(mail.webhook_url, payload, mail.timeout)
        except OSError as exc:
            errors.append(f"webhook {mail.webhook_url}: {exc}")
    return errors


def notify(app: Flask, kind: str, event: str, detail: str, facts: dict | None = None) -> str:
    """Send the notice of `event` (a key naming this occurrence, e.g. 'missed 2026-11-27')
    of `kind`, with `detail` as its text. Returns what happened: 'sent', 'off' (nothing
    is set up), 'already sent', 'too soon', 'not sent' (the error is kept and logged)."""
    now = get_clock(app).now()
    subject = f"[{app.config['PORTAL_NAME']}] {KINDS[kind]}"
    try:
        with open_data_file("system.db", app) as conn:
            mail = settings_mod.load(conn, app)
            if not mail.on:
                return "off"
            if refused := _claim(conn, kind, event, now):
                return refused
    except sqlite3.Error as exc:
        app.logger.error("notice %s (%s) not sent: system.db: %s", kind, event, exc)
        return "not sent"
    errors = _deliver(mail, kind, subject, detail, {"event": event, **(facts or {})})
    _record(app, now, kind, subject, errors)
    return "not sent" if errors else "sent"


def _record(app: Flask, now: datetime, kind: str, subject: str, errors: list[str]) -> None:
    action = "notice not sent" if errors else "notice sent"
    detail = f"{subject}" + (f": {'; '.join(errors)}" if errors else "")
    if errors:
        app.logger.error("notice not sent: %s", detail)
    try:
        with open_data_file("system.db", app) as conn:
            audit.record(conn, now, action, "portal", detail=detail)
            if errors:
                with transaction(conn):
                    state = _read_state(conn)
                    state["error"] = {"at": now.isoformat(), "kind": kind, "message": detail}
                    _write_state(conn, state)
    except sqlite3.Error as exc:
        app.logger.error("the notice's outcome was not recorded: %s", exc)


def last_error(conn: sqlite3.Connection) -> dict:
    """The last notice that could not be sent: {"at", "kind", "message"} or {}."""
    return get_json(conn, STATE_KEY).get("error") or {}


def send_test(app: Flask, mail: settings_mod.MailSettings | None = None) -> list[str]:
    """The Send test email button and `notify test`: one mail (and webhook POST) now,
    outside the once-an-hour rule, with `mail` (default: the settings in force). The
    errors, in words (empty: sent)."""
    if mail is None:
        with open_data_file("system.db", app) as conn:
            mail = settings_mod.load(conn, app)
    if not mail.on:
        return ["No mail server and address (MAIL_SERVER, NOTIFY_EMAILS) and no webhook are set."]
    subject = f"[{app.config['PORTAL_NAME']}] Test notice"
    body = (
        "This is a test from the Office Portal's Data Backup. Notices like this one come "
        "when a backup fails or is missed, when the off-site copy fails for a day, and "
        "when verify finds a damaged copy."
    )
    errors = _deliver(mail, "test", subject, body, {"event": "test"})
    _record(app, get_clock(app).now(), "test", subject, errors)
    return errors
