"""A real SMTP server on the loopback address (aiosmtpd) and a webhook receiver, for the
notice tests."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


class Inbox:
    """What the SMTP server received."""

    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def subjects(self) -> list[str]:
        return [m["Subject"] for m in self.messages]

    def body(self, index: int = -1) -> str:
        return self.messages[index].get_payload(decode=True).decode("utf-8")


def mail_form(**fields) -> dict:
    """The Schedule Data Backup page's mail form as typed: no server, no sign-in, one
    recipient, no webhook; `fields` change what a test needs."""
    return {
        "server": "",
        "port": "25",
        "security": "none",
        "username": "",
        "password": "",
        "sender": "portal@office.example",
        "recipients": "it@office.example",
        "webhook_url": "",
        **fields,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@contextlib.contextmanager
def webhook_receiver(status: int = 204, reason: str | None = None, body: bytes = b""):
    """A webhook endpoint keeping what it was sent, answering `status` (with `reason`
    and `body`, as a server's error page would)."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            length = int(self.headers["Content-Length"])
            received.append(json.loads(self.rfile.read(length)))
            self.send_response(status, reason)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received, f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()
