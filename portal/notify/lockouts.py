"""The notice for a login locked out after wrong passwords (the auth layer's `locked`
signal, connected by create_app): who, from which address, for how long."""

from __future__ import annotations

from portal.auth import lockout
from portal.instance import Instance
from portal.notify.notices import notify


def tell(instance: Instance, *, keys: tuple[str, ...], who: str, address: str) -> None:
    """Mail the administrator (never raises: notify() keeps what it could not send)."""
    minutes = instance.config["LOGIN_LOCKOUT_MINUTES"]
    detail = (
        f"Too many wrong passwords for {who!r} from {address}: further tries from that "
        f"address are refused for {minutes} minutes. Other computers are not affected; "
        "the account's owner can log in from their own.\n\n"
        "If nobody at that address was mistyping, someone may be guessing passwords: "
        "the Backup history (Logins) lists every try with its address."
    )
    event = f"locked {' '.join(sorted(keys))} {instance.clock.now().isoformat()}"
    notify(instance, "login-locked", event, detail, {"address": address, "login": who})


def init_app(instance: Instance) -> None:
    """Listen for this instance's lockouts."""
    lockout.locked.connect(tell, sender=instance, weak=False)
