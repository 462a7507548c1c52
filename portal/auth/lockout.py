"""What a lockout leaves behind, written by the login form and by the admin password
prompt alike: the admin password's lockout in the Backup history, and the `locked`
signal for every lockout, which the notices turn into a mail to the administrator
(portal/notify/lockouts.py: one notice an hour, the rest told with the next one)."""

from __future__ import annotations

from blinker import Namespace
from flask import current_app, request

from portal.auth.throttle import is_admin_key
from portal.web import log_event

# Sent when an answer locks a login out; receivers take the app, keys, who and address.
locked = Namespace().signal("login-locked")


def audit_admin_lock(newly_locked: tuple[str, ...], *, actor: str | None = None) -> None:
    """Write it down when the admin password's budget for this client address is used
    up: System Settings and the Administrator's login are closed to that address for a
    while (every other address is not affected)."""
    if any(is_admin_key(key) for key in newly_locked):
        log_event(
            "admin password locked",
            "too many wrong admin passwords from this address; refused there for a while",
            actor=actor,
        )


def tell_locked(newly_locked: tuple[str, ...], who: str) -> None:
    """Say that this answer locked a login out: `locked` is sent (with the app, the keys,
    the login as typed and the client address). The notices listen (notify/lockouts.py):
    the auth layer knows nothing of mail."""
    if newly_locked:
        locked.send(
            current_app._get_current_object(),
            keys=newly_locked,
            who=who,
            address=request.remote_addr or "an unknown address",
        )
