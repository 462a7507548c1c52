"""Long lists in a real browser (issue 15): the To-Do List shows 50 open items and
"Show more", the Bulletin Board 20 posts and "Older →" / "← Newer"; plain links that
work without JavaScript."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect

from portal import demo
from portal.apps.bulletin import store as bulletin
from portal.apps.todo import store as todo
from portal.users import find_user
from portal.web import get_db
from tests.browser.test_demo_apps import log_in
from tests.helpers import open_app
from tests.serving import serve

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def long_lists_url(tmp_path_factory):
    instance = tmp_path_factory.mktemp("long") / "instance"
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC"})
    with app.app_context():
        system, board, todos = get_db("system.db"), get_db("bulletin.db"), get_db("todo.db")
        demo.load(system, get_db("schedule.db"), board, todos, NOW)
        erin = find_user(system, "erin").id
        for n in range(110):
            todo.add(todos, erin, f"Task {n:03d}", date(2027, 1, 1) + timedelta(days=n), "", NOW)
        for n in range(45):
            bulletin.add_post(board, erin, f"Notice {n:02d}", "Text", NOW + timedelta(minutes=n))
    with serve(instance, env={"PORTAL_TIMEZONE": "UTC"}) as (url, _output):
        yield url


def test_show_more_to_dos(page, long_lists_url):
    log_in(page, long_lists_url, "erin")
    page.get_by_role("link", name="To-Do List", exact=True).first.click()
    open_rows = page.locator("table.list:not(.done) tbody tr")
    expect(open_rows).to_have_count(50)
    expect(open_rows.first).to_contain_text("Renew the software licence")  # overdue first
    page.get_by_role("link", name="Show more").click()
    expect(open_rows).to_have_count(50)
    expect(page.get_by_text("Continued: later to-dos.")).to_be_visible()
    page.get_by_role("link", name="Show more").click()
    expect(open_rows).to_have_count(14)  # 4 of the demo's and 110: 114 in all
    expect(open_rows.nth(12)).to_contain_text("Task 109")
    expect(open_rows.last).to_contain_text("Tidy the shared drive")  # undated: last
    expect(page.get_by_role("link", name="Show more")).to_have_count(0)
    page.get_by_role("link", name="Back to the first").click()
    expect(open_rows).to_have_count(50)


def test_older_and_newer_posts(page, long_lists_url):
    log_in(page, long_lists_url, "erin")
    page.get_by_role("link", name="Bulletin Board", exact=True).first.click()
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text("Notice 44")
    page.get_by_role("link", name="Older →").click()
    expect(rows.first).to_contain_text("Notice 24")
    page.get_by_role("link", name="Older →").click()
    expect(rows).to_have_count(8)  # Notice 04 to 00 and the demo's 3
    expect(page.get_by_role("link", name="Older →")).to_have_count(0)
    page.get_by_role("link", name="← Newer").click()
    expect(rows.first).to_contain_text("Notice 24")
    page.get_by_role("link", name="Back to the newest").click()
    expect(rows.first).to_contain_text("Notice 44")
