"""A member's first day, in a real browser: log in the Office way, see the portal page,
add a to-do, find it in the portlet, log out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.passwords import hash_password
from portal.users import add_user
from portal.web import get_db
from tests.browser.picking import pick_group
from tests.browser.shots import screenshot
from tests.helpers import open_app, utc
from tests.serving import serve

PASSWORD = "alice password"


@pytest.fixture
def portal_url(tmp_path):
    instance = tmp_path / "office"
    app = open_app({"INSTANCE_PATH": str(instance)})
    with app.app_context():
        conn = get_db("system.db")
        add_user(conn, "alice", "Alice Brown", "Sales", hash_password(PASSWORD), utc(2026, 1, 1))
        add_user(conn, "dan", "Dan Evans", "Accounting", hash_password(PASSWORD), utc(2026, 1, 1))
    with serve(instance) as (url, _output):
        yield url


def test_log_in_and_add_a_todo(page, portal_url):
    page.goto(portal_url + "/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))

    # Pick the group (the name list reloads), pick the name, type the password.
    pick_group(page, "Sales")
    expect(page.get_by_label("Name", exact=True).locator("option")).to_have_text(
        ["— choose your name —", "Alice Brown"]
    )
    page.get_by_label("Name", exact=True).select_option(label="Alice Brown")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_role("heading", name=re.compile("^Portal"))).to_be_visible()
    expect(page.locator(".site-header")).to_contain_text("Alice Brown")
    bar = page.get_by_role("navigation", name="Applications")
    for label in ("Portal", "Scheduler", "Bulletin Board", "To-Do List", "System Settings"):
        expect(bar.get_by_role("link", name=label, exact=True)).to_be_visible()
    screenshot(page, "portal-page")

    bar.get_by_role("link", name="To-Do List").click()
    page.get_by_label("To-do", exact=True).fill("Order printer paper")
    page.get_by_label("Due date").fill("2030-01-15")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Added “Order printer paper”.")).to_be_visible()

    bar.get_by_role("link", name="Portal").click()
    portlet = page.get_by_role("region", name="My To-Do List")
    expect(portlet).to_contain_text("Order printer paper")
    expect(portlet).to_contain_text("due 15 Jan")
    screenshot(page, "portal-with-todo")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"/login"))


def test_wrong_password_in_the_browser(page, portal_url):
    page.goto(portal_url + "/login")
    page.get_by_label("or login name").fill("alice")
    page.get_by_label("Password").fill("not it")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("The login name or password is not correct.")).to_be_visible()
    expect(page.get_by_label("or login name")).to_have_value("alice")
