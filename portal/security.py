"""Site-wide protections: safe `next` redirects and response headers."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, current_app, request
from markupsafe import escape

HSTS_SECONDS = 365 * 24 * 3600
_REDIRECT_BODY = (
    "<!doctype html>\n<title>Redirecting</title>\n"
    '<p>Redirecting to <a href="{location}">{location}</a>.</p>\n'
)


def is_safe_next(target: str | None) -> bool:
    """True for a path on this site ('/todo/?x=1'); false for other hosts or schemes."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        # Browsers read '/\evil.example' as '//evil.example'.
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str = "/") -> str:
    """`target` if it stays on this site, otherwise `default`."""
    return target if is_safe_next(target) else default


def set_security_headers(response: Response) -> Response:
    """Headers that shut the common intranet attacks: framing, sniffing, stale pages."""
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if _personal(response):
        # Personal pages must not come back from the cache after log out on a shared PC.
        headers["Cache-Control"] = "no-store"
    if current_app.config["SESSION_COOKIE_SECURE"]:
        # Served over HTTPS (the setting docs/deploy-iis.md has IIS set): browsers are to
        # use nothing else for a year, so a forged http:// link cannot strip TLS.
        headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
    if location := headers.get("Location"):
        headers["Location"] = _relative(location)
        if 300 <= response.status_code < 400:
            # Werkzeug's redirect page links to the absolute URL it was given (for a
            # slash redirect, built from the request's Host): the body says only the path.
            response.set_data(_REDIRECT_BODY.format(location=escape(headers["Location"])))
            headers["Content-Type"] = "text/html; charset=utf-8"
    return response


def _personal(response: Response) -> bool:
    """Anything but a static file sent to a visitor without a session: pages, JSON and
    error pages can hold a name or a token (a /static/ 404 shows who is logged in)."""
    static = request.endpoint == "static" and response.status_code < 400
    session_cookie = current_app.config["SESSION_COOKIE_NAME"]
    return not static or session_cookie in request.cookies


def _relative(location: str) -> str:
    """A redirect without a host: the portal only ever redirects within itself, and a
    host in Location would come from the request's Host header (Werkzeug's slash
    redirects build one), which the client chooses."""
    parts = urlsplit(location)
    if parts.scheme or parts.netloc:
        return urlunsplit(("", "", parts.path or "/", parts.query, parts.fragment))
    return location


def init_app(app: Flask) -> None:
    """Install the response headers."""
    app.after_request(set_security_headers)
