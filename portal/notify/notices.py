"""The notices and the rule that keeps them few: each event is sent at most once, and a
kind is sent at most once an hour. An event that comes within the hour is held, never
dropped: the next notice of its kind tells it too ("And 1 more since ..."), and when no
later one comes, `send_held` (the backup watch, every scheduler tick and process start)
sends the held ones once the hour is over. The rule holds across processes: the claim
to send is written in system.db in one write transaction before anything is sent. A
notice that cannot be sent is logged, audited and shown on the Data Backup page; it
never raises."""

from __future__ import annotations

import http.client
import json
import smtplib
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from portal import settings_store
from portal.clock import format_datetime
from portal.db import open_data_file, transaction
from portal.instance import Instance
from portal.notify import failures, transport
from portal.notify import settings as settings_mod
from portal.settings_store import get_json, parse_json
from portal.unit_of_work import UnitOfWork

# The kinds of notice, and the subject line each one starts with.
KINDS = {
    "backup-failed": "A backup failed",
    "automatic-missed": "The automatic backup did not run",
    "no-backup-today": "No backup was made today",
    "offsite-failing": "The off-site copy has failed for 24 hours",
    "damaged-copy": "Verify found a damaged copy",
    "login-locked": "Logins were refused after wrong passwords",
}
# {"sent": {kind: {"at": iso, "events": [...]}}, "held": {kind: {"items": [...], "more": n}},
#  "error": {...}}
STATE_KEY = settings_store.NOTIFY_STATE
TEST = "test"  # the kind of the Send test email button's and `notify test`'s mail
PER_KIND = timedelta(hours=1)
REMEMBERED_EVENTS = 50
# Held events whose text is kept for the next notice; past it they are counted, so a
# storm of failures cannot grow system.db or the mail without bound.
HELD_TEXTS = 50
HELD_TEXT_CHARS = 1000


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


def _held_text(detail: str) -> str:
    """What a held event says in a later notice: what happened and why (the first two
    paragraphs; the advice is the same as the notice's own)."""
    return "\n\n".join(detail.split("\n\n")[:2])[:HELD_TEXT_CHARS]


def _holds(held: dict | None) -> bool:
    """Whether a kind's held entry ({"items": [...], "more": n}) holds any event."""
    return bool(held and (held.get("items") or held.get("more")))


@dataclass
class Claim:
    """The right to send one notice of a kind, with the held events it must tell too."""

    since: str  # when the last notice of this kind was sent ("" if never)
    held: list[dict] = field(default_factory=list)  # {"event", "at", "text"}
    more: int = 0  # held events beyond HELD_TEXTS, counted only
    mail: settings_mod.MailSettings | None = None  # the settings it is sent with


def _claim(
    conn: sqlite3.Connection, kind: str, event: str | None, now: datetime, detail: str = ""
) -> Claim | str:
    """Take the right to send this event (None: only the held ones) with the events held
    for its kind, or say why not: 'already sent', 'held' (within the hour: kept for the
    next notice), 'nothing held', 'too soon'."""
    with transaction(conn):
        state = _read_state(conn)
        sent = state.setdefault("sent", {}).setdefault(kind, {"at": "", "events": []})
        held = state.setdefault("held", {}).setdefault(kind, {"items": [], "more": 0})
        if event in sent["events"] or event in {item["event"] for item in held["items"]}:
            return "already sent"
        if event is None and not _holds(held):
            return "nothing held"
        if sent["at"] and now - datetime.fromisoformat(sent["at"]) < PER_KIND:
            if event is None:
                return "too soon"
            if len(held["items"]) < HELD_TEXTS:
                text = _held_text(detail)
                held["items"].append({"event": event, "at": now.isoformat(), "text": text})
            else:
                held["more"] += 1
            _write_state(conn, state)
            return "held"
        claim = Claim(sent["at"], held["items"], held["more"])
        state["held"][kind] = {"items": [], "more": 0}
        told = [item["event"] for item in claim.held] + ([event] if event else [])
        sent["at"] = now.isoformat()
        sent["events"] = [*sent["events"], *told][-REMEMBERED_EVENTS:]
        _write_state(conn, state)
    return claim


def _held_section(claim: Claim, zone) -> str:
    """The held events, told below a notice (or as a notice of their own)."""
    count = len(claim.held) + claim.more
    since = format_datetime(datetime.fromisoformat(claim.since), zone) if claim.since else ""
    lines = [f"And {count} more since the last notice at {since}:"]
    for item in claim.held:
        lines.append(f"- {format_datetime(datetime.fromisoformat(item['at']), zone)}: ")
        lines[-1] += item["text"].replace("\n\n", "\n  ")
    if claim.more:
        lines.append(f"- and {claim.more} more like these (not listed)")
    return "\n".join(lines)


class Failure(str):
    """One channel's failure, in words (a str), and the channel: "mail", "webhook", or
    "settings" (nothing is set up), so a page can say it at the field it concerns."""

    channel: str

    def __new__(cls, text: str, channel: str) -> Failure:
        failure = super().__new__(cls, text)
        failure.channel = channel
        return failure


def _send(mail: settings_mod.MailSettings, kind: str, subject: str, body: str, facts: dict):
    """Send by every channel that is set; the failures, in words (empty when all went)."""
    errors = []
    if mail.mail_on:
        try:
            transport.send_mail(mail, subject, body)
        # ValueError: a header or a URL the settings make impossible (a line break in
        # them, from the configuration): the notice is not sent, said, never raised.
        except (OSError, smtplib.SMTPException, ValueError) as exc:
            errors.append(
                Failure(
                    f"mail to {', '.join(mail.recipients)} via {mail.server}:{mail.port}: "
                    f"{failures.kind(exc)}",
                    "mail",
                )
            )
    if mail.webhook_url:
        payload = {"kind": kind, "subject": subject, "text": body, **facts}
        try:
            transport.post_webhook(mail.webhook_url, payload, mail.timeout)
        except (OSError, ValueError, http.client.HTTPException) as exc:
            words = f"webhook {failures.where(mail.webhook_url)}: {failures.kind(exc)}"
            errors.append(Failure(words, "webhook"))
    return errors


def notify(
    instance: Instance, kind: str, event: str, detail: str, facts: dict | None = None
) -> str:
    """Send the notice of `event` (a key naming this occurrence, e.g. 'missed 2026-11-27')
    of `kind`, with `detail` as its text. Returns what happened: 'sent', 'off' (nothing
    is set up), 'already sent', 'held' (told with the next notice of its kind), 'not
    sent' (the error is kept and logged)."""
    clock = instance.clock
    now = clock.now()
    subject = f"[{instance.config['PORTAL_NAME']}] {KINDS[kind]}"
    claim = _take(instance, kind, event, now, detail)
    if isinstance(claim, str):
        return claim
    if claim.held or claim.more:
        detail = f"{detail}\n\n{_held_section(claim, clock.zone)}"
    errors = _deliver(instance, claim, kind, subject, detail, {"event": event, **(facts or {})})
    return "not sent" if errors else "sent"


def send_held(instance: Instance) -> list[str]:
    """Send, for each kind, the events held within the hour once the hour is over (when
    no later notice of the kind came to tell them). The kinds sent."""
    clock = instance.clock
    try:  # one read to see which kinds hold anything (most ticks: none)
        with open_data_file("system.db", instance) as conn:
            held = _read_state(conn).get("held", {})
    except sqlite3.Error:
        return []
    sent = []
    for kind, name in KINDS.items():
        if not _holds(held.get(kind)):
            continue
        claim = _take(instance, kind, None, clock.now(), "")
        if isinstance(claim, str):
            continue
        count = len(claim.held) + claim.more
        since = format_datetime(datetime.fromisoformat(claim.since), clock.zone)
        subject = f"[{instance.config['PORTAL_NAME']}] {name} ({count} since {since})"
        body = _held_section(claim, clock.zone)
        if not _deliver(instance, claim, kind, subject, body, {"event": f"{count} held"}):
            sent.append(kind)
    return sent


def _take(instance: Instance, kind: str, event: str | None, now: datetime, detail: str):
    try:
        with open_data_file("system.db", instance) as conn:
            mail = settings_mod.load(conn, instance)
            if not mail.on:
                return "off"
            claim = _claim(conn, kind, event, now, detail)
    except sqlite3.Error as exc:
        instance.logger.error("notice %s (%s) not sent: system.db: %s", kind, event, exc)
        return "not sent"
    if isinstance(claim, Claim):
        claim.mail = mail
    return claim


def _deliver(instance: Instance, claim: Claim, kind: str, subject: str, body: str, facts: dict):
    errors = _send(claim.mail, kind, subject, body, facts)
    _record(instance, instance.clock.now(), kind, subject, errors)
    return errors


def _record(instance: Instance, now: datetime, kind: str, subject: str, errors: list[str]) -> None:
    action = "notice not sent" if errors else "notice sent"
    detail = f"{subject}" + (f": {'; '.join(errors)}" if errors else "")
    if errors:
        instance.logger.error("notice not sent: %s", detail)

    def keep_error(conn: sqlite3.Connection) -> None:
        state = _read_state(conn)
        state["error"] = {"at": now.isoformat(), "kind": kind, "message": detail}
        _write_state(conn, state)

    def end_error(conn: sqlite3.Connection) -> None:
        state = _read_state(conn)
        if state.pop("error", None) is not None:
            _write_state(conn, state)

    with UnitOfWork.of(instance) as unit, unit.together("the notice's outcome"):
        unit.audit(action, "portal", detail)
        # The Data Backup page's alarm is a real notice that failed, until one is sent
        # (issue 24): a test's outcome is said where it was sent, and is no alarm.
        if kind != TEST:
            unit.write("the notice's outcome", keep_error if errors else end_error)


def last_error(conn: sqlite3.Connection) -> dict:
    """The last notice that could not be sent: {"at", "kind", "message"} or {}."""
    return get_json(conn, STATE_KEY).get("error") or {}


def send_test(instance: Instance, mail: settings_mod.MailSettings | None = None) -> list[Failure]:
    """The Send test email button and `notify test`: one mail (and webhook POST) now,
    outside the once-an-hour rule, with `mail` (default: the settings in force). The
    failures, in words, each with its channel (empty: sent)."""
    if mail is None:
        with open_data_file("system.db", instance) as conn:
            mail = settings_mod.load(conn, instance)
    if not mail.on:
        return [
            Failure(
                "No mail server and address (MAIL_SERVER, NOTIFY_EMAILS) and no webhook are set.",
                "settings",
            )
        ]
    subject = f"[{instance.config['PORTAL_NAME']}] Test notice"
    body = (
        "This is a test from the Office Portal's Data Backup. Notices like this one come "
        "when a backup fails or is missed, when the off-site copy fails for a day, and "
        "when verify finds a damaged copy."
    )
    errors = _send(mail, TEST, subject, body, {"event": "test"})
    _record(instance, instance.clock.now(), TEST, subject, errors)
    return errors
