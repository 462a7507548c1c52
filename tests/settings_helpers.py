"""Helpers for System Settings tests: elevating a session through the prompt."""

from __future__ import annotations

from tests.helpers import ADMIN_PASSWORD, PASSWORD, login, submit


def elevated(app, name: str = "alice"):
    """A browser logged in as `name` that has answered the admin password prompt."""
    client = app.test_client()
    assert login(client, name, PASSWORD if name != "admin" else ADMIN_PASSWORD).status_code == 302
    if name != "admin":
        response = submit(
            client,
            "/settings/elevate?next=/settings/",
            data={"password": ADMIN_PASSWORD, "next": "/settings/"},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
    return client
