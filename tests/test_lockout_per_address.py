"""Issue 21, item 8: an anonymous visitor cannot keep the Administrator out. Wrong
passwords are counted per account and client address (behind a proxy, the address it
forwards, as PROXY_COUNT says): from an address that has not failed, the right password
works; the address that failed is refused; each lockout is in the Backup history and
mailed to the administrator, at most once an hour."""

from __future__ import annotations

import pytest

from portal.web import get_db, instance_of
from tests.helpers import ADMIN_PASSWORD, login
from tests.notify_helpers import smtp_server

LOCKED = "Too many wrong passwords."


def client_at(app, address: str, forwarded: str | None = None):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    if forwarded:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded
    return client


@pytest.fixture
def inbox(app):
    with smtp_server() as (inbox, port):
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, NOTIFY_EMAILS="it@x.example")
        yield inbox


@pytest.mark.parametrize("typed", ["admin", "ADMIN ", "Admin"])
def test_wrong_passwords_from_elsewhere_never_keep_the_administrator_out(app, people, inbox, typed):
    attacker = client_at(app, "127.0.0.2")
    for _ in range(6):
        login(attacker, typed, "a wrong guess")
    refused = login(attacker, "admin", ADMIN_PASSWORD)
    assert refused.status_code != 302 and LOCKED in refused.get_data(as_text=True)
    office = client_at(app, "127.0.0.1")
    assert login(office, "admin", ADMIN_PASSWORD).status_code == 302
    with app.app_context():
        actions = [
            row[0]
            for row in get_db("system.db").execute(
                "SELECT action || ' ' || coalesce(remote_addr, '') FROM audit_log"
                " WHERE action LIKE '%locked'"
            )
        ]
    assert actions and all(a.endswith("127.0.0.2") for a in actions), actions
    assert len(inbox.messages) == 1
    assert "127.0.0.2" in inbox.body() and "admin" in inbox.body().lower()


def test_behind_a_proxy_the_forwarded_address_counts(app, people, inbox):
    app.config["PROXY_COUNT"] = 1
    from tests.helpers import open_app  # the proxy setting is read when the app is made

    proxied = open_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": app.instance_path,
            "CLOCK": app.config["CLOCK"],
            "TIMEZONE": "Europe/Berlin",
            "PROXY_COUNT": 1,
            **{k: app.config[k] for k in ("MAIL_SERVER", "MAIL_PORT", "NOTIFY_EMAILS")},
        }
    )
    attacker = client_at(proxied, "127.0.0.1", forwarded="10.0.0.66")
    for _ in range(6):
        login(attacker, "admin", "a wrong guess")
    colleague = client_at(proxied, "127.0.0.1", forwarded="10.0.0.7")
    assert login(colleague, "admin", ADMIN_PASSWORD).status_code == 302


def test_lockouts_are_mailed_at_most_once_an_hour(app, people, inbox, clock):
    for n in range(3):
        attacker = client_at(app, f"127.0.0.{10 + n}")
        for _ in range(6):
            login(attacker, "alice", "a wrong guess")
        clock.advance(minutes=10)
    assert len(inbox.messages) == 1  # the others are held for the next notice
    clock.advance(hours=1)
    from portal.nightly import watch

    watch.check(instance_of(app))
    assert len(inbox.messages) == 2
    assert "127.0.0.11" in inbox.body() and "127.0.0.12" in inbox.body()
