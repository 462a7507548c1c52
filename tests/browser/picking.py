"""Picking from a list that reloads its page when changed (the login's Group, Schedule
Data Backup's Group): portal.js listens for the change once the page has loaded. A pick
made before that is a change nobody hears, and the test waits for a list that never
comes (seen under load). A person would press the Show button then; a test waits until
the script has hidden it, which says the list is listened to."""

from __future__ import annotations

from playwright.sync_api import expect


def pick_group(page, group: str, exact: bool = False) -> None:
    """Choose `group` in the page's Group list once portal.js listens to it."""
    expect(page.get_by_role("button", name="Show")).to_be_hidden()
    page.get_by_label("Group", exact=exact).select_option(label=group)
