"""Site-wide protections: safe `next` redirects and response headers."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, request


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
    if response.mimetype == "text/html" and request.endpoint != "static":
        # Personal pages must not come back from the cache after log out on a shared PC.
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Install the response headers."""
    app.after_request(set_security_headers)
