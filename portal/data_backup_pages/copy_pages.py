"""What the pages of an opened copy share (issue 23): which copy the URL names, and
whether the administrator opened it anyway (a copy that cannot be proven), which every
link and form of those pages carries on."""

from __future__ import annotations

from flask import abort, request

from portal.bring_back.copies import CopyRef


def copy_ref(token: str) -> CopyRef:
    """The copy a URL's token names (404 for one that names none)."""
    return CopyRef.parse(token) or abort(404)


def opened_anyway() -> bool:
    """Opened anyway: the administrator confirmed a copy that cannot be proven."""
    return (request.values.get("anyway") or "") == "1"


def anyway_args() -> dict[str, str]:
    """The URL arguments that keep a copy opened anyway so on the next page."""
    return {"anyway": "1"} if opened_anyway() else {}


def anyway_field() -> str:
    """The value of a form's hidden `anyway` field: "1" for a copy opened anyway."""
    return anyway_args().get("anyway", "")
