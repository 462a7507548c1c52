"""Issue 13 in a real browser: the administrator sets mail on Schedule Data Backup (Send
test email, Save) and the off-site folder on Data Backup (Test, Save), presses Back up
all, sees the off-site date listed, and restores one file from it; then (issue 21) the
recovery kit the page asks for, and a new key."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.shots import screenshot
from tests.browser.test_system_settings import ADMIN_PASSWORD, log_in, office
from tests.notify_helpers import smtp_server
from tests.serving import faketime, serve

TODAY = "2026-11-27 14:00:00"

pytestmark = pytest.mark.usefixtures("needs_faketime")


def test_off_site_copy_and_mail_set_on_the_pages_then_a_restore_from_off_site(chromium, tmp_path):
    instance = tmp_path / "office"
    office(instance)
    share = tmp_path / "nas"
    share.mkdir()
    with (
        smtp_server() as (inbox, smtp_port),
        serve(instance, env={"PORTAL_TIMEZONE": "UTC"}, prefix=faketime(TODAY)) as (url, _),
    ):
        page = chromium.new_page()
        log_in(page, url, "admin", ADMIN_PASSWORD)
        page.get_by_role("link", name="System Settings").click()

        # Mail, on Schedule Data Backup: Send test email, then Save.
        page.get_by_role("link", name="Schedule Data Backup").click()
        page.get_by_label("Mail server").fill("127.0.0.1")
        page.get_by_label("Port").fill(str(smtp_port))
        page.get_by_label("Sender address").fill("portal@office.example")
        page.get_by_label("Send notices to").fill("it@office.example")
        page.get_by_role("button", name="Send test email").click()
        expect(page.get_by_text("A test email was sent to it@office.example")).to_be_visible()
        assert inbox.subjects() == ["[Office Portal] Test notice"]
        expect(page.get_by_label("Send notices to")).to_have_value("it@office.example")
        page.get_by_role("button", name="Apply mail settings").click()
        expect(page.get_by_text("Saved. Notices go to it@office.example.")).to_be_visible()

        # The off-site folder, on Data Backup: Test, then Save.
        nav = page.get_by_role("navigation", name="Applications")
        nav.get_by_role("link", name="System Settings").click()
        page.get_by_role("link", name="Data Backup", exact=True).click()
        page.get_by_label("Off-site folder").fill(str(share))
        page.get_by_role("button", name="Test").click()
        expect(page.get_by_text(f"The off-site folder {share} works")).to_be_visible()
        page.get_by_role("button", name="Save").click()
        expect(
            page.get_by_text(f"After every backup the newest copies go to {share}")
        ).to_be_visible()

        # Back up all: the copies go off site too.
        page.get_by_role("button", name="Back up all").click()
        expect(page.get_by_role("heading", name="Backup complete")).to_be_visible()
        expect(page.get_by_text("Off-site copy of 2026-11-27 complete")).to_be_visible()
        page.get_by_role("link", name="Back to Data Backup").click()
        offsite = page.locator("section.offsite")
        expect(offsite.get_by_role("row").filter(has_text="2026-11-27").first).to_be_visible()
        screenshot(page, "data-backup-offsite", docs=True)

        # Restore one file from the off-site copy, behind the confirmation screen.
        offsite.get_by_role(
            "link", name="Restore todo.db from the off-site copy of 2026-11-27"
        ).click()
        expect(page.get_by_text("the off-site copy of 2026-11-27", exact=False)).to_be_visible()
        expect(page.get_by_text("will be replaced", exact=False)).to_be_visible()
        page.get_by_role("button", name="Restore").click()
        expect(
            page.get_by_text(re.compile(r"Restored todo.db from the off-site copy of 2026-11-27"))
        ).to_be_visible()

        # Issue 21: the copies are sealed; the page warns until the recovery kit is shown.
        page.goto(f"{url}/settings/data-backup")
        expect(page.get_by_text("The recovery kit was never shown")).to_be_visible()
        page.get_by_role("link", name="Show the recovery kit").click()
        expect(page.get_by_role("heading", name="Recovery kit", exact=True)).to_be_visible()
        kit = page.locator("pre.recovery-kit")
        expect(kit).to_contain_text("AGE-SECRET-KEY-1")
        expect(kit).to_contain_text(f"backup offsite rebuild {share} --kit recovery-kit.txt")
        page.get_by_role("button", name="Make a new key").click()
        expect(page.get_by_text("seals the copies from now on")).to_be_visible()
        expect(kit).to_contain_text("(seals new copies)")
        page.get_by_role("link", name="Data Backup").click()
        expect(page.get_by_text("The recovery kit was never shown")).to_have_count(0)
        expect(page.get_by_role("link", name="Recovery kit")).to_be_visible()
    assert (share / "2026-11-27" / "manifest.age").is_file()
