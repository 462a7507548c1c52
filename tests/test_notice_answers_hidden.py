"""Issue 21, items 7 and 10: a failed test notice says the kind of failure only, never
what the remote server answered (an SSH banner behind the mail server field, an HTTP
error page behind the webhook field), and a webhook URL reaches the log, the Backup
history and the pages as its scheme and host only (its token never does)."""

from __future__ import annotations

import contextlib
import socket
import threading
from urllib.parse import urlsplit

from portal import audit
from portal.notify import failures
from portal.web import get_db
from tests.helpers import csrf_token
from tests.notify_helpers import mail_form, webhook_receiver
from tests.settings_helpers import elevated

PAGE, ACTION = "/settings/schedule-backup", "/settings/schedule-backup/mail"
BANNER = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3 secret-host-7\r\n"
BODY = b"internal error at db-server-42: password=hunter2"
TOKEN = "tok-8f3a9c"


@contextlib.contextmanager
def ssh_like():
    """A service that sends a banner and hangs up, as an SSH server on port 22 does."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.sendall(BANNER)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        listener.close()


def _send_test(client, **fields):
    form = {**mail_form(**fields), "send_test": "Send test email"}
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    return client.post(ACTION, data={"csrf_token": token, **form})


def test_a_banner_behind_the_mail_server_field_is_never_shown(app, people):
    admin = elevated(app, "admin")
    with ssh_like() as port:
        answer = _send_test(admin, server="127.0.0.1", port=str(port))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "The test was not sent" in page and "did not greet as a mail server does" in page
    assert "OpenSSH" not in page and "secret-host-7" not in page


def test_a_webhook_answer_is_a_status_and_its_url_only_scheme_and_host(app, people, caplog):
    admin = elevated(app, "admin")
    with webhook_receiver(418, "I am secret-reason-text", BODY) as (_received, hook):
        port = urlsplit(hook).port
        url = f"http://127.0.0.1:{port}/hooks/{TOKEN}?token={TOKEN}"
        answer = _send_test(admin, recipients="", webhook_url=url)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert f"webhook http://127.0.0.1:{port}: HTTP status 418" in page
    assert "hunter2" not in page and "secret-reason-text" not in page
    assert TOKEN not in page.replace(f'value="{url}"', "")  # only in the field being edited
    with app.app_context():
        history = " ".join(
            e.detail for e in audit.recent_of_kinds(get_db("system.db"), ("notices",))
        )
    assert "HTTP status 418" in history and TOKEN not in history
    assert TOKEN not in caplog.text


def test_where_keeps_scheme_host_and_port_only():
    assert (
        failures.where("https://u:p@hooks.example:8443/a/b?t=1#x") == "https://hooks.example:8443"
    )
    assert failures.where("http://hooks.example/secret") == "http://hooks.example"
