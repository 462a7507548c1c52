"""Pictures of what the user saw, kept by the browser tests (a helper module, so that no
test imports a conftest)."""

from __future__ import annotations

import os
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DOC_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page, name: str, docs: bool = False) -> Path:
    """Keep a picture of what the user saw (test-artifacts/, not committed). With `docs`
    and PORTAL_DOC_SHOTS=1, also refresh the one in docs/screenshots/ that the guides
    show: a plain test run changes no tracked file (the pictures show temporary paths)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    if docs and os.environ.get("PORTAL_DOC_SHOTS") == "1":
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOC_SHOTS / f"{name}.png"), full_page=True)
    return path
