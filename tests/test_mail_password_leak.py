"""Issue 21, item 6: the stored mail password goes only to the server, port and user name
it was saved with. Send test email (or Save) with another server, port or user name
typed and the password field left empty asks for the password again, and no server
hears the stored one."""

from __future__ import annotations

import contextlib

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from portal.notify import settings as notify_settings
from portal.web import get_db
from tests.helpers import csrf_token
from tests.notify_helpers import free_port, mail_form
from tests.settings_helpers import elevated

PAGE, ACTION = "/settings/schedule-backup", "/settings/schedule-backup/mail"
SECRET = "s3cret-mail-pass"


class Listener:
    """An SMTP server that accepts any sign-in and keeps the passwords it was given."""

    def __init__(self):
        self.passwords: list[str] = []
        self.messages = 0

    def __call__(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            self.passwords.append(auth_data.password.decode())
        return AuthResult(success=True)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages += 1
        return "250 OK"


@contextlib.contextmanager
def listening():
    listener = Listener()
    controller = Controller(
        listener,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=listener,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield listener, controller.port
    finally:
        controller.stop()


def _post(client, data):
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    return client.post(ACTION, data={"csrf_token": token, **data})


def _form(port, **changes):
    return mail_form(**{"server": "127.0.0.1", "port": str(port), "username": "portal", **changes})


@pytest.fixture
def saved(app, people):
    """The mail settings saved with the office's server and its password."""
    admin = elevated(app, "admin")
    with listening() as (office, port):
        assert _post(admin, {**_form(port, password=SECRET), "save": "Save"}).status_code == 302
        yield admin, office, port


@pytest.mark.parametrize("change", ["port", "server", "username"])
def test_send_test_to_another_place_asks_for_the_password_and_sends_it_nowhere(app, saved, change):
    admin, office, port = saved
    with listening() as (attacker, other_port):
        changes = {
            "port": {"port": str(other_port)},
            "server": {"server": "localhost", "port": str(other_port)},
            "username": {"username": "someone", "port": str(other_port)},
        }[change]
        for button in ({"send_test": "Send test email"}, {"save": "Save"}):
            answer = _post(admin, {**_form(port), **changes, **button})
            assert answer.status_code == 400
            page = answer.get_data(as_text=True)
            assert "Type the password again" in page
            assert SECRET not in page
        assert attacker.passwords == [] and attacker.messages == 0
    with app.app_context():
        assert notify_settings.load(get_db("system.db"), app).password == SECRET  # kept


def test_the_same_place_uses_the_stored_password(app, saved):
    admin, office, port = saved
    answer = _post(admin, {**_form(port), "send_test": "Send test email"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert office.passwords == [SECRET] and office.messages == 1


def test_another_place_with_the_password_typed_works(app, saved):
    admin, _office, port = saved
    with listening() as (new, new_port):
        answer = _post(
            admin, {**_form(new_port, password="new-pass"), "send_test": "Send test email"}
        )
        assert answer.status_code == 200
        assert new.passwords == ["new-pass"]
