"""The audit entry for the admin password's lockout, written by the login form and by
the admin password prompt alike."""

from __future__ import annotations

from portal.auth.throttle import ADMIN_PASSWORD_KEY
from portal.web import log_event


def audit_admin_lock(newly_locked: tuple[str, ...], *, actor: str | None = None) -> None:
    """Write it down when the admin password's shared budget is used up: System
    Settings and the Administrator's login are closed to everyone for a while."""
    if ADMIN_PASSWORD_KEY in newly_locked:
        log_event(
            "admin password locked",
            "too many wrong admin passwords across all accounts; refused for a while",
            actor=actor,
        )
