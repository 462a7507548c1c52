"""An error from the share in words a person can act on. A network file system reports
a full share in more than one way (an SMB or SFTP client often answers EIO, not ENOSPC)
and a lost connection as an error on whatever step came next; the bare system message
("Input/output error", "Transport endpoint is not connected") says neither."""

from __future__ import annotations

import errno

FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
# Windows' own codes (OSError.winerror): the disk is full; the network path is gone.
WINDOWS_FULL = {39, 112}  # ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL
WINDOWS_UNREACHABLE = {53, 59, 64, 67, 121, 1231}  # BAD_NETPATH, UNEXP_NET_ERR, ...
UNREACHABLE = {
    getattr(errno, name)
    for name in (
        "ENOTCONN",
        "ESHUTDOWN",
        "ETIMEDOUT",
        "EHOSTDOWN",
        "EHOSTUNREACH",
        "ENETDOWN",
        "ENETUNREACH",
        "ENETRESET",
        "ECONNABORTED",
        "ECONNRESET",
        "ECONNREFUSED",
        "ESTALE",
        "ENOLINK",
        "ECOMM",
    )
    if hasattr(errno, name)
}


# Said by Test, and by a copy that goes ahead anyway.
NO_FREE_SPACE_REPORTED = (
    "The share at {root} reports no free space at all (0 bytes), as some network file "
    "systems do when they do not know: the copy is tried anyway and stops cleanly if the "
    "share is really full."
)


def is_unreachable(exc: OSError) -> bool:
    """Whether the error says the share itself cannot be reached (not one file)."""
    return exc.errno in UNREACHABLE or getattr(exc, "winerror", None) in WINDOWS_UNREACHABLE


def is_full(exc: OSError) -> bool:
    return exc.errno in FULL or getattr(exc, "winerror", None) in WINDOWS_FULL


def share_error(exc: OSError) -> str:
    """What `exc` from a step on the share means, with the system's own message."""
    if is_full(exc):
        return f"the share is full ({exc})"
    if exc.errno == errno.EIO:
        return (
            f"the share answered with an input/output error ({exc}): it may be full, or "
            "its connection failed"
        )
    if is_unreachable(exc):
        return f"the share cannot be reached ({exc})"
    if exc.errno == errno.EROFS:
        return f"the share is read-only ({exc})"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"the share refused it: the portal's account may not do this there ({exc})"
    return str(exc)
