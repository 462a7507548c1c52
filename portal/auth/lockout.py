"""What a lockout leaves behind, for the login form and the admin password prompt alike:
whether the admin password's budget for this client address is used up (the Backup
history says so), and the `locked` signal for every lockout, which the notices turn into a
mail to the administrator (portal/notify/lockouts.py: one notice an hour, the rest told
with the next one). No request is read here: the views hand over the address and who."""

from __future__ import annotations

from blinker import Namespace

from portal.auth.throttle import is_admin_key

# Sent when an answer locks a login out; receivers take the app, keys, who and address.
locked = Namespace().signal("login-locked")

# The Backup history's entry when the admin password is locked for an address.
ADMIN_LOCKED = (
    "admin password locked",
    "too many wrong admin passwords from this address; refused there for a while",
)


def admin_password_locked(newly_locked: tuple[str, ...]) -> bool:
    """Whether this answer used up the admin password's budget for its client address:
    System Settings and the Administrator's login are closed to that address for a while
    (every other address is not affected)."""
    return any(is_admin_key(key) for key in newly_locked)


def tell_locked(
    sender: object, newly_locked: tuple[str, ...], who: str, address: str | None
) -> None:
    """Say that this answer locked a login out: `locked` is sent (by the instance, with the keys,
    the login as typed and the client address). The notices listen (notify/lockouts.py):
    the auth layer knows nothing of mail."""
    if newly_locked:
        locked.send(sender, keys=newly_locked, who=who, address=address or "an unknown address")
