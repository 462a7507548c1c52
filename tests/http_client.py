"""A tiny browser without JavaScript, for talking to the portal served for real:
keeps cookies, reads CSRF tokens from the page, follows redirects."""

from __future__ import annotations

import http.cookiejar
import urllib.parse
import urllib.request

from tests.helpers import csrf_token


class Browser:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> str:
        with self.opener.open(self.base_url + path, timeout=30) as response:
            return response.read().decode()

    def submit(self, page: str, data: dict, action: str | None = None) -> str:
        """Open `page`, fill in `data` with its CSRF token, send it to `action` (or `page`)."""
        token = csrf_token(self.get(page))
        body = urllib.parse.urlencode({"csrf_token": token, **data}).encode()
        with self.opener.open(self.base_url + (action or page), body, timeout=60) as response:
            return response.read().decode()

    def log_in(self, login: str, password: str) -> str:
        return self.submit("/login", {"login": login, "password": password})

    def session_cookie(self) -> str:
        """The session as a Cookie header's value, for a load tool such as wrk."""
        found = next(c for c in self.cookies if c.name == "portal_session")
        return f"{found.name}={found.value}"
