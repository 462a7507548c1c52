"""Bring back one item (issue 23), in a real browser against a served portal: the
administrator opens yesterday's copy of the To-Do List on the Data Backup page, filters by
person, ticks the item a colleague deleted, presses Bring back, confirms, and the
colleague sees it again; what others saved since stays."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from portal.apps.todo import store as todo
from portal.passwords import hash_password, set_password
from portal.users import add_user, ensure_admin
from portal.web import data_backup_of, get_db, instance_of
from tests.browser.accessibility import assert_accessible
from tests.browser.logging_in import MEMBER_PASSWORD, log_in
from tests.browser.shots import screenshot
from tests.helpers import open_app
from tests.serving import serve

PASSWORD = MEMBER_PASSWORD
ADMIN_PASSWORD = "the admin password"  # noqa: S105


def office(instance: Path) -> None:
    """alice's and bob's to-dos backed up; then alice deleted one by mistake and changed
    another, and bob wrote a new one."""
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC"})
    now = instance_of(app).clock.now
    with app.app_context():
        conn = get_db("system.db")
        alice = add_user(conn, "alice", "Alice Brown", "Sales", hash_password(PASSWORD), now())
        bob = add_user(conn, "bob", "Bob Clark", "Sales", hash_password(PASSWORD), now())
        set_password(conn, ensure_admin(conn, now()).id, hash_password(ADMIN_PASSWORD))
        todos = get_db("todo.db")
        minutes = todo.add(todos, alice.id, "Friday meeting minutes", None, "for the team", now())
        todo.add(todos, alice.id, "Order paper", None, "", now())
        todo.add(todos, bob.id, "Call the supplier", None, "", now())
        data_backup_of(app).run_backup(None, "admin")
        todo.delete(todos, minutes, alice.id)
        todo.add(todos, bob.id, "Written since", None, "", now())


def data_backup_page(page, url: str) -> None:
    """The administrator logs in and goes to System Settings > Data Backup."""
    log_in(page, url, "admin", ADMIN_PASSWORD)
    page.get_by_role("link", name="System Settings").click()
    page.get_by_role("link", name="Data Backup", exact=True).click()


@pytest.fixture
def portal(tmp_path):
    instance = tmp_path / "office"
    office(instance)
    with serve(instance, env={"PORTAL_TIMEZONE": "UTC"}) as (url, _):
        yield url


def test_open_a_copy_filter_tick_bring_back_and_confirm(chromium, portal):
    page = chromium.new_page()
    data_backup_page(page, portal)
    page.get_by_role("link", name="Open todo.db newest copy").click()
    expect(page.get_by_role("heading", name="The newest copy of todo.db")).to_be_visible()
    expect(page.get_by_text(re.compile("1 deleted since"))).to_be_visible()
    # Filter: alice's items only.
    page.get_by_label("Person").select_option("alice")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("row").filter(has_text="Call the supplier")).to_have_count(0)
    row = page.get_by_role("row").filter(has_text="Friday meeting minutes")
    expect(row).to_contain_text("deleted since")
    # Tick it, Bring back, and confirm.
    page.get_by_role("checkbox", name="Bring back Friday meeting minutes").check()
    screenshot(page, "bring-back", docs=True)
    assert_accessible(page, "a copy opened")
    page.get_by_role("button", name="Bring back").click()
    expect(page.get_by_text("inserted again as it is in the copy")).to_be_visible()
    assert_accessible(page, "the bring-back confirmation")
    page.get_by_role("button", name="Bring back").click()
    expect(
        page.get_by_text(re.compile(r"To-do item \d+ \('Friday meeting minutes'\) is back\."))
    ).to_be_visible()
    expect(page.get_by_text(re.compile("0 deleted since"))).to_be_visible()

    alice = chromium.new_page()
    log_in(alice, portal, "alice")
    alice.get_by_role("link", name="To-Do List", exact=True).click()
    expect(alice.get_by_text("Friday meeting minutes")).to_be_visible()
    bob = chromium.new_page()
    log_in(bob, portal, "bob")
    bob.get_by_role("link", name="To-Do List", exact=True).click()
    expect(bob.get_by_text("Written since")).to_be_visible()  # nobody else rolled back


def test_a_member_brings_back_their_own_from_recently_deleted(chromium, portal):
    """Issue 23, item 5: alice deleted her minutes by mistake; on her To-Do List she opens
    Recently deleted, sees only her own, presses Bring back, and the minutes are back."""
    alice = chromium.new_page()
    log_in(alice, portal, "alice")
    alice.get_by_role("link", name="To-Do List", exact=True).click()
    expect(alice.get_by_text("Friday meeting minutes")).to_have_count(0)
    alice.get_by_role("link", name="Recently deleted").click()
    expect(alice.get_by_role("heading", name=re.compile("Recently deleted"))).to_be_visible()
    expect(alice.get_by_role("row").filter(has_text="Call the supplier")).to_have_count(0)
    screenshot(alice, "recently-deleted", docs=True)
    assert_accessible(alice, "a member's Recently deleted")
    alice.get_by_role("button", name="Bring back Friday meeting minutes").click()
    expect(
        alice.get_by_text("“Friday meeting minutes” is back on your To-Do List.")
    ).to_be_visible()
    expect(alice.get_by_role("cell", name=re.compile("Friday meeting minutes"))).to_be_visible()
    bob = chromium.new_page()
    log_in(bob, portal, "bob")
    bob.get_by_role("link", name="To-Do List", exact=True).click()
    expect(bob.get_by_text("Written since")).to_be_visible()
    bob.get_by_role("link", name="Recently deleted").click()
    expect(bob.get_by_text("Nothing of yours was deleted since the newest backup.")).to_be_visible()


def test_the_administrator_switches_recently_deleted_off(chromium, portal):
    page = chromium.new_page()
    data_backup_page(page, portal)
    switch = page.get_by_label("Members may bring back their own deleted to-dos and events")
    expect(switch).to_be_checked()
    switch.uncheck()
    page.get_by_role("button", name="Apply to Recently deleted").click()
    expect(page.get_by_text("Recently deleted is off")).to_be_visible()
    expect(switch).not_to_be_checked()
    alice = chromium.new_page()
    log_in(alice, portal, "alice")
    alice.get_by_role("link", name="To-Do List", exact=True).click()
    expect(alice.get_by_role("heading", name="To-Do List")).to_be_visible()
    expect(alice.get_by_role("link", name="Recently deleted")).to_have_count(0)


@pytest.fixture
def portal_without_bob(tmp_path):
    """The office above, then bob removed after the backup (his to-dos with him)."""
    from portal import people

    instance = tmp_path / "office"
    office(instance)
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC"})
    people.remove(instance_of(app), "bob", instance_of(app).clock.now())
    with serve(instance, env={"PORTAL_TIMEZONE": "UTC"}) as (url, _):
        yield url


def test_a_removed_colleague_is_brought_back_from_the_page(chromium, portal_without_bob):
    page = chromium.new_page()
    data_backup_page(page, portal_without_bob)
    page.get_by_role("link", name="Open system.db newest copy").click()
    expect(page.get_by_text(re.compile("1 removed since"))).to_be_visible()
    assert_accessible(page, "a copy of system.db opened")
    page.get_by_role("link", name="Bring back Bob Clark").click()
    expect(page.get_by_role("heading", name="Bring back Bob Clark")).to_be_visible()
    expect(page.get_by_text("Their to-dos and events come back")).to_be_visible()
    expect(page.get_by_label("The password they had")).to_be_checked()
    assert_accessible(page, "bringing a person back")
    page.get_by_role("button", name="Bring back").click()
    expect(page.get_by_text("Bob Clark (bob) is back in Sales.")).to_be_visible()
    expect(page.get_by_text("1 to-do item from the newest copy of todo.db.")).to_be_visible()
    bob = chromium.new_page()
    log_in(bob, portal_without_bob, "bob")
    bob.get_by_role("link", name="To-Do List", exact=True).click()
    expect(bob.get_by_text("Call the supplier")).to_be_visible()
