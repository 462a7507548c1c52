"""Issue 24: pages and commands that say what they mean. The favicon is served; mail has
a Date; `python -m portal --help` shows its defaults; answering No to a command's
question is not a failure; naming two copies is said as such."""

from __future__ import annotations

import subprocess
import sys

import pytest

from portal.notify.settings import MailSettings
from portal.notify.transport import send_mail
from tests.notify_helpers import smtp_server
from tests.serving import ROOT, run_flask


def test_the_favicon_is_served_to_anyone(app):
    answer = app.test_client().get("/favicon.ico")
    assert answer.status_code == 200
    assert answer.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert answer.data[:4] == b"\x00\x00\x01\x00"  # an icon file
    assert "Set-Cookie" not in answer.headers
    page = app.test_client().get("/login").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico">' in page


def test_mail_has_a_date():
    with smtp_server() as (inbox, port):
        settings = MailSettings(
            server="127.0.0.1",
            port=port,
            sender="portal@office.example",
            recipients=("it@office.example",),
            timeout=5,
        )
        send_mail(settings, "A notice", "Body")
    (message,) = inbox.messages
    from email.utils import parsedate_to_datetime

    assert parsedate_to_datetime(message["Date"]).tzinfo is not None


def test_the_serving_command_shows_its_defaults():
    shown = subprocess.run(
        [sys.executable, "-m", "portal", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    for default in ("(default: 127.0.0.1)", "(default: 8000)", "(default: 8)"):
        assert default in " ".join(shown.split()), shown


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (("backup", "restore", "todo.db", "--generation", "0"), "Nothing was restored."),
        (("backup", "restore", "--all", "--offsite", "2026-11-27"), "Nothing was restored."),
        (("backup", "bring-back", "todo.db", "-g", "0", "1"), "Nothing was brought back."),
        (("user", "bring-back", "bob", "-g", "0"), "Nobody was brought back."),
    ],
)
def test_answering_no_is_not_a_failure(app, people, instance_path, command, said):
    """Every question a command asks: No says what was not done, and the status is 0
    (it printed "Aborted!" and ended with 1, as if something had failed)."""
    from portal.web import data_backup_of

    with app.app_context():
        data_backup_of(app).run_backup(None, "admin")
    answer = run_flask(instance_path, *command, stdin="n\n")
    assert "Aborted!" not in answer.stderr + answer.stdout
    assert said in answer.stdout, answer.stdout + answer.stderr
    assert answer.returncode == 0


def test_two_copies_named_at_once_are_said_as_such(app, instance_path):
    both = run_flask(
        instance_path, "backup", "restore", "todo.db", "-g", "0", "--offsite", "2026-11-27"
    )
    assert both.returncode == 2 and "Give --generation or --offsite, not both" in both.stderr


def test_the_session_cookie_holds_what_the_docs_say(app, people):
    """docs/security.md says what the signed session cookie holds: the session's token
    (Flask-Login's keys), the CSRF token and flashes waiting; nothing else."""
    from flask.sessions import SecureCookieSessionInterface

    from tests.helpers import PASSWORD, login

    client = app.test_client()
    login(client, "alice", PASSWORD)
    client.get("/todo/")
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    held = set(serializer.loads(client.get_cookie("portal_session").value))
    said = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    assert held <= {"_user_id", "_fresh", "_id", "csrf_token", "_flashes"}, held
    for key in ("_user_id", "_fresh", "_id"):
        assert f"`{key}`" in said
    assert "the CSRF token, and the flash messages" in said
