"""Test helpers: a settable clock, reading CSRF tokens from real forms, logging in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from flask import Flask
from flask.testing import FlaskClient

from portal import create_app, startup

# The passwords of the people the `people` fixture makes (tests/conftest.py).
PASSWORD = "correct horse"
ADMIN_PASSWORD = "admin password 1"

TOKEN_INPUT = re.compile(r'<input[^>]*\bname="csrf_token"[^>]*>')
VALUE = re.compile(r'\bvalue="([^"]+)"')


class FakeClock:
    """An injectable clock the test moves by hand (aware datetimes only)."""

    def __init__(self, start: datetime):
        self.value = start

    def __call__(self) -> datetime:
        return self.value

    def set(self, moment: datetime) -> None:
        self.value = moment

    def advance(self, **kwargs) -> None:
        self.value += timedelta(**kwargs)


def open_app(config: dict) -> Flask:
    """The app as the entry points have it (python -m portal, wsgi.py, a command): built
    by the factory, which touches no file, then its instance opened (made if new)."""
    app = create_app(config)
    startup.open_instance(app)
    return app


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on the page, as a browser would send it."""
    match = TOKEN_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return VALUE.search(match.group(0)).group(1)


def submit(client: FlaskClient, page: str, action: str | None = None, data=None, **kwargs):
    """GET `page`, then POST `data` with that page's CSRF token to `action` (or `page`)."""
    html = client.get(page).get_data(as_text=True)
    form = {"csrf_token": csrf_token(html), **(data or {})}
    return client.post(action or page, data=form, **kwargs)


def login(client: FlaskClient, login_name: str, password: str, next_url: str = ""):
    """Log in by typing the login name, as a person would."""
    return submit(
        client,
        "/login",
        data={"login": login_name, "password": password, "next": next_url},
    )


def logout(client: FlaskClient):
    """Press Log out (a POST carrying the page's token)."""
    return submit(client, "/", "/logout")


def todo_titles(path) -> set[str]:
    """The titles of the to-dos in a todo.db (a live file or a copy), read only."""
    import sqlite3

    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT title FROM todos")}
    finally:
        conn.close()
