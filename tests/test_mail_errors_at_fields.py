"""Issue 24, item 10: Send test email says each error at its field, in the page's words
(Mail server, Send notices to, Webhook URL), never in setting names (MAIL_SERVER,
NOTIFY_EMAILS) nor as "[Errno 111]", and a refused connection names the server and its
port at the Mail server field."""

from __future__ import annotations

import html
import re

from tests.helpers import submit
from tests.notify_helpers import free_port, mail_form
from tests.settings_helpers import elevated

PAGE, ACTION = "/settings/schedule-backup", "/settings/schedule-backup/mail"


def _errors(response) -> dict[str, str]:
    """Each field's error, by the field's name."""
    page = html.unescape(response.get_data(as_text=True))
    return {
        name: " ".join(text.split())
        for name, text in re.findall(r'<span class="error" id="([a-z_]+)-error">(.*?)</span>', page)
    }


def _test(admin, **fields):
    return submit(admin, PAGE, ACTION, data={**mail_form(**fields), "send_test": "Send test"})


def test_nothing_set_is_said_at_the_fields_in_the_pages_words(app, people):
    admin = elevated(app, "admin")
    answer = _test(admin, server="", recipients="")
    assert answer.status_code == 400
    errors = _errors(answer)
    assert errors["server"] == "Give the mail server that sends the notices, or a webhook URL."
    assert errors["recipients"] == "Give at least one address to send notices to."
    page = answer.get_data(as_text=True)
    assert "MAIL_SERVER" not in page and "NOTIFY_EMAILS" not in page
    no_address = _errors(_test(admin, server="127.0.0.1", recipients=""))
    assert set(no_address) == {"recipients"}


def test_a_refused_connection_is_said_at_the_server_with_its_port(app, people):
    admin = elevated(app, "admin")
    port = free_port()
    answer = _test(admin, server="127.0.0.1", port=str(port))
    errors = _errors(answer)
    assert set(errors) == {"server"}, errors
    assert errors["server"] == (
        f"The test was not sent: mail to it@office.example via 127.0.0.1:{port}: "
        "refused (nothing listens there)"
    )
    assert "Errno" not in answer.get_data(as_text=True)


def test_a_webhook_that_fails_is_said_at_its_field(app, people):
    admin = elevated(app, "admin")
    port = free_port()
    errors = _errors(_test(admin, recipients="", webhook_url=f"http://127.0.0.1:{port}/hook"))
    assert set(errors) == {"webhook_url"}, errors
    assert errors["webhook_url"].startswith(
        f"The test was not sent: webhook http://127.0.0.1:{port}"
    )
