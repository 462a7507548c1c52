"""System Settings in a real browser, following the manual's step lists word for word:
"To add users to the Data Backup Group" and "To back up individual files instantly",
with the admin password prompt, and a restore that brings back yesterday's data."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.apps.todo import store as todo
from portal.passwords import hash_password, set_password
from portal.users import add_user, ensure_admin
from portal.web import data_backup_of, get_db
from tests.browser.logging_in import MEMBER_PASSWORD, log_in
from tests.browser.picking import pick_group
from tests.browser.shots import screenshot
from tests.helpers import open_app
from tests.serving import faketime, serve

PASSWORD = MEMBER_PASSWORD
ADMIN_PASSWORD = "the admin password"
TODAY = "2026-11-27 14:00:00"

pytestmark = pytest.mark.usefixtures("needs_faketime")


def office(instance: Path) -> dict:
    """Sales: alice, bob, carol; Accounting: dave. The admin password is set. Yesterday
    alice had one to-do, and yesterday's backup holds it."""
    yesterday = datetime(2026, 11, 26, 17, 0, tzinfo=UTC)
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC", "CLOCK": lambda: yesterday})
    with app.app_context():
        conn = get_db("system.db")
        people = {
            login: add_user(conn, login, name, group, hash_password(PASSWORD), yesterday)
            for login, name, group in [
                ("alice", "Alice Brown", "Sales"),
                ("bob", "Bob Clark", "Sales"),
                ("carol", "Carol Diaz", "Sales"),
                ("dave", "Dave Evans", "Accounting"),
            ]
        }
        set_password(conn, ensure_admin(conn, yesterday).id, hash_password(ADMIN_PASSWORD))
        todo.add(get_db("todo.db"), people["alice"].id, "Written yesterday", None, "", yesterday)
        data_backup_of(app).run_backup(["todo.db"], "alice")
        todo.add(get_db("todo.db"), people["alice"].id, "Written today", None, "", yesterday)
    return people


@pytest.fixture
def portal(tmp_path):
    instance = tmp_path / "office"
    office(instance)
    with serve(instance, env={"PORTAL_TIMEZONE": "UTC"}, prefix=faketime(TODAY)) as (url, _):
        yield url


def test_to_add_users_to_the_data_backup_group(chromium, portal):
    page = chromium.new_page()
    log_in(page, portal, "alice")  # not the Administrator
    # From the Portal Page, click System Settings > Schedule Data Backup.
    page.get_by_role("link", name="System Settings").click()
    # If you are not already logged in as Admin, enter your admin password when prompted.
    expect(page.get_by_text("Enter the admin password to continue.")).to_be_visible()
    page.get_by_label("Admin password").fill("a wrong guess")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That is not the admin password.")).to_be_visible()
    page.get_by_label("Admin password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="System Settings")).to_be_visible()
    page.get_by_role("link", name="Schedule Data Backup").click()
    # Use the Group pull-down menu to find the users you want to add.
    pick_group(page, "Sales", exact=True)
    expect(page.get_by_label("Users").locator("option")).to_have_text(
        ["Alice Brown", "Bob Clark", "Carol Diaz"]
    )
    # Click on the user to add. (Two of them.)
    page.get_by_label("Users").select_option(label=["Bob Clark", "Carol Diaz"])
    # Click Add.
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_label("Data Backup Group").locator("option")).to_have_text(
        ["Bob Clark", "Carol Diaz"]
    )
    # Click on the Schedule Data Backup box.
    page.get_by_role("checkbox", name="Schedule Data Backup").check()
    screenshot(page, "schedule-data-backup", docs=True)
    # Click Save.
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Schedule Data Backup")).to_be_checked()

    # At once, in the afternoon, one of them is forwarded to the Backup page.
    bob = chromium.new_page()
    bob.goto(portal + "/todo/")
    bob.get_by_label("or login name").fill("bob")
    bob.get_by_label("Password").fill(PASSWORD)
    bob.get_by_role("button", name="Log in").click()
    expect(bob.get_by_role("heading", name=re.compile("^Backup"))).to_be_visible()
    expect(bob).to_have_url(re.compile(r"/backup/\?next=/todo/"))


def test_to_back_up_individual_files_and_restore_yesterdays_data(chromium, portal):
    page = chromium.new_page()
    log_in(page, portal, "admin", ADMIN_PASSWORD)  # logged in as Admin: no prompt
    # From the Portal Page, click System Settings > Data Backup.
    page.get_by_role("link", name="System Settings").click()
    page.get_by_role("link", name="Data Backup", exact=True).click()
    expect(page.get_by_role("heading", name="Data Backup")).to_be_visible()
    expect(page.get_by_text("free disk space")).to_be_visible()
    # If you have never previously backed up, the button will say Create.
    schedule_row = page.get_by_role("row").filter(has_text="schedule.db")
    expect(schedule_row.get_by_role("button")).to_have_text("Create")
    expect(schedule_row).to_contain_text("never")
    screenshot(page, "data-backup", docs=True)
    schedule_row.get_by_role("button", name="Create schedule.db").click()
    expect(page.get_by_role("heading", name="Backup complete")).to_be_visible()
    page.get_by_role("link", name="Back to Data Backup").click()
    schedule_row = page.get_by_role("row").filter(has_text="schedule.db")
    expect(schedule_row.get_by_role("button")).to_have_text("Update")
    expect(schedule_row).to_contain_text(re.compile(r"27 Nov 2026 14:0\d by Administrator"))

    # Click Update on the file you'd like to back up: today's copy of todo.db.
    todo_row = page.get_by_role("row").filter(has_text="todo.db").first
    expect(todo_row).to_contain_text("26 Nov 2026 17:00 by Alice Brown")  # yesterday's
    todo_row.get_by_role("button", name="Update todo.db").click()
    expect(page.get_by_role("heading", name="Backup complete")).to_be_visible()
    page.get_by_role("link", name="Back to Data Backup").click()

    # Restore yesterday's copy (now generation 1) behind its confirmation screen.
    page.get_by_role("link", name="Restore todo.db generation 1").click()
    expect(page.get_by_text("will be replaced", exact=False)).to_be_visible()
    expect(page.get_by_text("safety copy", exact=False)).to_be_visible()
    page.get_by_role("button", name="Restore").click()
    expect(
        page.get_by_text(re.compile(r"Restored todo.db from the copy taken 26 Nov 2026 17:00"))
    ).to_be_visible()

    alice = chromium.new_page()
    log_in(alice, portal, "alice")
    alice.get_by_role("link", name="To-Do List", exact=True).click()
    expect(alice.get_by_text("Written yesterday")).to_be_visible()
    expect(alice.get_by_text("Written today")).to_have_count(0)


def test_a_copy_that_cannot_be_proven_is_restored_only_when_asked_twice(chromium, portal, tmp_path):
    # backup.txt is lost: yesterday's copy is still there, but nothing proves it is the
    # copy the portal made.
    (tmp_path / "office" / "backup" / "backup.txt").unlink()
    page = chromium.new_page()
    log_in(page, portal, "admin", ADMIN_PASSWORD)
    page.get_by_role("link", name="System Settings").click()
    page.get_by_role("link", name="Data Backup", exact=True).click()
    copies = page.get_by_role("region", name="Copies of todo.db")
    expect(copies).to_contain_text("unrecorded: no record in backup.txt, cannot be verified")
    copies.get_by_role("link", name="Restore todo.db newest copy").click()
    expect(page.get_by_text("This copy is unrecorded")).to_be_visible()
    page.get_by_role("button", name="Restore").click()
    # The second confirmation says why, plainly; nothing has been touched yet.
    expect(page.get_by_role("heading", name="This copy cannot be proven")).to_be_visible()
    expect(page.get_by_text("It was not restored.", exact=False)).to_be_visible()
    screenshot(page, "restore-unproven", docs=True)
    page.get_by_role("button", name="Restore anyway").click()
    expect(
        page.get_by_text(re.compile(r"Restored todo.db from the copy taken 26 Nov 2026 17:00"))
    ).to_be_visible()
    expect(page.get_by_text("could not be proven", exact=False)).to_be_visible()
    safety = page.get_by_role("region", name="Safety copies")
    expect(safety).to_contain_text("todo-20261127-14")

    alice = chromium.new_page()
    log_in(alice, portal, "alice")
    alice.get_by_role("link", name="To-Do List", exact=True).click()
    expect(alice.get_by_text("Written yesterday")).to_be_visible()
    expect(alice.get_by_text("Written today")).to_have_count(0)
