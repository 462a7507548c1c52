"""Logging in through the login page, as a person does: the login name typed, the
password, Log in. The browser tests' offices give their members this password."""

from __future__ import annotations

MEMBER_PASSWORD = "member password"  # noqa: S105 - the test offices' own


def log_in(page, url: str, login: str, password: str = MEMBER_PASSWORD) -> None:
    page.goto(url + "/login")
    page.get_by_label("or login name").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
