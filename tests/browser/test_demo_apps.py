"""The demo, as a visitor meets it: `python -m portal --demo`, log in as a demo user,
use the Scheduler, the Bulletin Board and the To-Do List."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD
from tests.browser.shots import screenshot
from tests.serving import serve


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("demo") / "instance", "--demo") as (url, _output):
        yield url


def log_in(page, url, login):
    page.goto(url + "/login")
    page.get_by_label("or login name").fill(login)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile("^Portal"))).to_be_visible()


def test_scheduler(page, demo_url):
    log_in(page, demo_url, "bob")
    expect(page.get_by_role("region", name="Today's schedule")).to_contain_text("Team stand-up")
    page.get_by_role("link", name="Scheduler").click()
    page.get_by_role("link", name="Add event").click()
    page.get_by_label("Start").fill("16:00")
    page.get_by_label("End").fill("15:00")
    page.get_by_label("Title").fill("Supplier visit")
    page.get_by_role("button", name="Add").click()
    # Bad input: a clear message beside the field, what was typed still there.
    expect(page.get_by_text("The end time must be after the start time.")).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Supplier visit")
    page.get_by_label("End").fill("17:00")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("16:00–17:00")).to_be_visible()
    page.get_by_role("link", name="Week", exact=True).click()
    expect(page.locator(".week-day.today")).to_contain_text("Supplier visit")
    screenshot(page, "scheduler-week")
    page.get_by_role("link", name="Supplier visit").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted “Supplier visit”.")).to_be_visible()


def test_bulletin_board(page, demo_url):
    log_in(page, demo_url, "carol")
    page.get_by_role("link", name="Bulletin Board", exact=True).first.click()
    page.get_by_role("link", name="Welcome to the Office Portal").click()
    page.get_by_label("Reply").fill("Happy to be here.")
    page.get_by_role("button", name="Reply").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    expect(page.locator(".replies")).to_contain_text("Happy to be here.")
    # Issue 24: the Reply label stood jammed under the last reply's Delete button.
    delete = page.locator(".reply").last.get_by_role("button", name="Delete").bounding_box()
    label = page.locator("label", has_text="Reply").bounding_box()
    assert label["y"] >= delete["y"] + delete["height"] + 12, (delete, label)
    page.get_by_role("link", name="Bulletin Board", exact=True).first.click()
    page.get_by_role("link", name="Write a post").click()
    page.get_by_label("Title").fill("Parking next week")
    page.get_by_label("Message").fill("The car park is resurfaced on Tuesday.")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_role("heading", name="Parking next week")).to_be_visible()
    screenshot(page, "bulletin-post")
    page.get_by_role("link", name="Portal", exact=True).click()
    expect(page.get_by_role("region", name="Bulletin Board")).to_contain_text("Parking next week")


def test_todo_list(page, demo_url):
    log_in(page, demo_url, "dan")
    portlet = page.get_by_role("region", name="My To-Do List")
    expect(portlet).to_contain_text("Renew the software licence")
    expect(portlet).to_contain_text("overdue")
    page.get_by_role("link", name="To-Do List", exact=True).first.click()
    row = page.get_by_role("row").filter(has_text="Renew the software licence")
    row.get_by_role("button", name="Done").click()
    expect(page.get_by_text("Marked done.")).to_be_visible()
    screenshot(page, "todo-list")
    # Delete asks first (the list's buttons share one form): No keeps it, Yes deletes it.
    row = page.get_by_role("row").filter(has_text="Tidy the shared drive")
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted.")).to_have_count(0)
    expect(row).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Deleted.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Tidy the shared drive")).to_have_count(0)
    page.get_by_role("link", name="Portal", exact=True).click()
    expect(page.get_by_role("region", name="My To-Do List")).not_to_contain_text("Renew")
