"""The manual's "Schedule Backup" flow in a real browser, against the portal served
for real with its clock set by faketime: a member who opens the portal in the
afternoon is forwarded to the Backup page, presses Backup, confirms, sees the result
and lands on the page first asked for; a member who pressed Skip is not forwarded
again; once one member has backed up, the others are not forwarded; a post submitted
as the window opens is saved."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from portal.passwords import hash_password
from portal.reminder import store
from portal.users import add_user
from portal.web import get_db
from tests.browser.accessibility import assert_accessible
from tests.browser.shots import screenshot
from tests.helpers import open_app
from tests.http_client import Browser
from tests.serving import faketime, serve

PASSWORD = "member password"

pytestmark = pytest.mark.usefixtures("needs_faketime")


def office(instance: Path) -> Path:
    """alice, bob and carol in the Data Backup Group, dave not; Schedule Data Backup on."""
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC"})
    with app.app_context():
        conn = get_db("system.db")
        now = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
        people = {
            login: add_user(conn, login, name, "Sales", hash_password(PASSWORD), now)
            for login, name in [
                ("alice", "Alice Brown"),
                ("bob", "Bob Clark"),
                ("carol", "Carol Diaz"),
                ("dave", "Dave Evans"),
            ]
        }
        store.add_members(conn, [people[n].id for n in ("alice", "bob", "carol")], now)
        store.save_settings(conn, store.ReminderSettings(enabled=True))
    return instance


def log_in(page, login: str) -> None:
    page.get_by_label("or login name").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_manual_flow(chromium, tmp_path):
    instance = office(tmp_path / "office")
    env = {"PORTAL_TIMEZONE": "UTC"}
    with serve(instance, env=env, prefix=faketime("2026-11-27 14:00:00")) as (url, _):
        # carol opens her To-Do List in the afternoon, is forwarded, and skips.
        carol = chromium.new_page()
        carol.goto(url + "/todo/")
        log_in(carol, "carol")
        expect(carol.get_by_role("heading", name=re.compile("^Backup"))).to_be_visible()
        expect(carol.get_by_text("Today's backup is not done yet.")).to_be_visible()
        screenshot(carol, "backup-page", docs=True)
        carol.get_by_role("button", name="Skip").click()
        expect(carol).to_have_url(url + "/todo/")
        expect(carol.get_by_role("heading", name="To-Do List")).to_be_visible()
        carol.get_by_role("link", name="Portal", exact=True).click()
        expect(carol.get_by_role("heading", name=re.compile("^Portal"))).to_be_visible()
        expect(carol.get_by_role("region", name="Data Backup")).to_contain_text(
            "You skipped it today."
        )

        # alice opens the week view, is forwarded, backs up, and lands where she wanted.
        alice = chromium.new_page()
        alice.goto(url + "/scheduler/week?date=2026-11-27")
        log_in(alice, "alice")
        expect(alice).to_have_url(re.compile(r"/backup/\?next="))
        alice.get_by_role("button", name="Backup").click()
        expect(alice.get_by_role("heading", name="Confirm backup")).to_be_visible()
        expect(alice.get_by_text("It should take")).to_be_visible()
        expect(alice.get_by_text("Everyone can keep working", exact=False)).to_be_visible()
        screenshot(alice, "backup-confirmation", docs=True)
        alice.get_by_role("button", name="Confirm").click()
        expect(alice.get_by_role("heading", name="Backup complete")).to_be_visible()
        expect(alice.get_by_role("cell", name="Verified", exact=True)).to_have_count(4)
        screenshot(alice, "backup-result")
        alice.get_by_role("link", name="Continue to the page you wanted").click()
        expect(alice).to_have_url(url + "/scheduler/week?date=2026-11-27")
        expect(alice.get_by_role("heading", name=re.compile("^Scheduler"))).to_be_visible()

        # bob is not forwarded any more: his portlet says who backed up.
        bob = chromium.new_page()
        bob.goto(url + "/")
        log_in(bob, "bob")
        expect(bob.get_by_role("heading", name=re.compile("^Portal"))).to_be_visible()
        expect(bob.get_by_role("region", name="Data Backup")).to_contain_text(
            re.compile(r"Today's backup is done: Alice Brown backed up at 14:0\d")
        )
        screenshot(bob, "portal-backup-done", docs=True)

        # carol, who skipped, is still not forwarded.
        carol.goto(url + "/bulletin/")
        expect(carol.get_by_role("heading", name="Bulletin Board")).to_be_visible()
        for page in (alice, bob, carol):
            page.close()


def test_a_post_sent_as_the_window_opens_is_saved(chromium, tmp_path):
    instance = office(tmp_path / "office")
    env = {"PORTAL_TIMEZONE": "UTC"}
    # The portal's clock starts at 11:59:00 and runs five times as fast: 12:00 comes
    # after 12 real seconds.
    started = time.monotonic()
    with serve(instance, env=env, prefix=faketime("2026-11-27 11:59:00", speed=5)) as (url, _):
        bob = chromium.new_page()
        bob.goto(url + "/bulletin/new")
        log_in(bob, "bob")
        expect(bob.get_by_role("heading", name="Write a post")).to_be_visible()
        assert time.monotonic() - started < 11, "too slow to open the form before 12:00"
        bob.get_by_label("Title").fill("Typed before noon")
        bob.get_by_label("Message").fill("Sent after noon, and not lost.")
        _wait_until_the_window_opens(url)
        bob.get_by_role("button", name="Post").click()
        # The post is saved; the page after it is the Backup page, as it is 12:00.
        expect(bob.get_by_role("heading", name=re.compile("^Backup"))).to_be_visible()
        bob.get_by_role("button", name="Skip").click()
        expect(bob.get_by_role("heading", name="Typed before noon")).to_be_visible()
        expect(bob.get_by_text("Sent after noon, and not lost.")).to_be_visible()
        bob.close()


def _wait_until_the_window_opens(url: str, seconds: float = 60) -> None:
    """Until the portal's clock has passed 12:00: another member (carol, in a session of
    her own) asks for the portal page until she is forwarded to the Backup page. A page
    request changes nothing; a fixed sleep trusted the faked clock's pace instead."""
    carol = Browser(url)
    carol.log_in("carol", PASSWORD)
    deadline = time.monotonic() + seconds
    while True:
        with carol.opener.open(url + "/", timeout=30) as answer:
            if urlparse(answer.url).path.startswith("/backup"):
                return
        assert time.monotonic() < deadline, "the portal's clock never reached 12:00"
        time.sleep(0.2)


def inflate(instance: Path, megabytes: int) -> None:
    """Make bulletin.db large enough that a backup takes a few seconds."""
    import sqlite3

    conn = sqlite3.connect(instance / "data" / "bulletin.db")
    conn.execute("CREATE TABLE IF NOT EXISTS ballast (b BLOB)")
    conn.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
        " INSERT INTO ballast SELECT randomblob(4000) FROM n",
        (megabytes * 250,),
    )
    conn.commit()
    conn.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_long_backup_shows_its_progress(chromium, tmp_path, javascript):
    instance = office(tmp_path / "office")
    inflate(instance, 600)
    env = {"PORTAL_TIMEZONE": "UTC"}
    with serve(instance, env=env, prefix=faketime("2026-11-27 09:00:00")) as (url, _):
        context = chromium.new_context(java_script_enabled=javascript)
        page = context.new_page()
        page.goto(url + "/")
        log_in(page, "alice")
        # In the morning nobody is forwarded; the portlet's Backup button works all day.
        page.get_by_role("region", name="Data Backup").get_by_role("button", name="Backup").click()
        expect(page.get_by_text("It should take")).to_contain_text("less than a minute")
        page.get_by_role("button", name="Confirm").click()
        expect(page.get_by_role("heading", name="Backup in progress")).to_be_visible()
        if javascript:
            # The one page the other tests cannot catch. (Without JavaScript it reloads
            # itself every 2 seconds, under axe's feet; its markup is the same.)
            assert_accessible(page, "backup progress")
            screenshot(page, "backup-progress", docs=True)
        expect(page.get_by_role("heading", name="Backup complete")).to_be_visible(timeout=120_000)
        page.get_by_role("link", name="Continue to the page you wanted").click()
        expect(page.get_by_role("region", name="Data Backup")).to_contain_text(
            "Today's backup is done: Alice Brown"
        )
        context.close()
