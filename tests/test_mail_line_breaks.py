"""Issue 21, item 9: a line break (CR, LF, or a Unicode line or paragraph separator) in
any mail or webhook field is refused on Save and on Send test with a message at the
field, the typed text kept; and mail settings that hold one anyway (from the
configuration) never make a backup or a verify fail: the notice is not sent, and that
is said."""

from __future__ import annotations

import pytest

from portal.notify import notices
from portal.notify import settings as notify_settings
from portal.web import data_backup_of, get_db
from tests.helpers import csrf_token
from tests.notify_helpers import mail_form
from tests.settings_helpers import elevated

PAGE, ACTION = "/settings/schedule-backup", "/settings/schedule-backup/mail"
BREAKS = ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85"]
FIELDS = ["server", "username", "password", "sender", "recipients", "webhook_url"]


def _form(**changes):
    return mail_form(**{"server": "127.0.0.1", "webhook_url": "http://127.0.0.1:9/hook", **changes})


@pytest.mark.parametrize("name", FIELDS)
@pytest.mark.parametrize("button", [{"save": "Save"}, {"send_test": "Send test email"}])
def test_a_line_break_in_any_field_is_refused_at_the_field(app, people, name, button):
    admin = elevated(app, "admin")
    for brk in BREAKS:
        value = {"username": "portal", "password": "pa"}.get(name, _form()[name])
        bad = f"{value}{brk}X-Injected: yes"
        token = csrf_token(admin.get(PAGE).get_data(as_text=True))
        answer = admin.post(ACTION, data={"csrf_token": token, **_form(**{name: bad}), **button})
        assert answer.status_code == 400, (name, repr(brk))
        page = answer.get_data(as_text=True)
        assert "No line breaks" in page
        if name != "password":
            assert "X-Injected: yes" in page  # the typed text kept
    with app.app_context():
        assert notify_settings.load(get_db("system.db"), app).server == ""  # nothing saved


def test_settings_with_a_line_break_from_the_configuration_stop_no_backup(app, instance_path):
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=9,
        NOTIFY_EMAILS="it@office.example",
        MAIL_USERNAME="portal\r\nX: y",
        NOTIFY_WEBHOOK_URL="http://127.0.0.1:9/hook\r\nX-Injected: yes",
    )
    backup = instance_path / "backup"
    backup.mkdir(parents=True, exist_ok=True)
    (backup / "todo.db").write_bytes(b"not a database")  # verify finds damage: a notice
    with app.app_context():
        report = data_backup_of(app).verify("alice")
        assert not report.ok
        assert notices.last_error(get_db("system.db"))  # not sent, and said why
