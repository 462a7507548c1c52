"""Re-authentication for System Settings: who is prompted, for how long elevation lasts,
that it belongs to one session, the throttle, the audit log, and that nothing in
System Settings can be reached without it."""

from __future__ import annotations

import re

import pytest

from portal.web import get_db
from tests.helpers import ADMIN_PASSWORD, PASSWORD, login, logout, submit
from tests.settings_helpers import elevated


def prompted(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith(
        "/settings/elevate"
    )


def test_the_administrator_just_logged_in_is_not_prompted(app, people):
    admin = app.test_client()
    login(admin, "admin", ADMIN_PASSWORD)
    assert admin.get("/settings/").status_code == 200


def test_the_administrator_is_prompted_after_15_quiet_minutes(app, people, clock):
    admin = app.test_client()
    login(admin, "admin", ADMIN_PASSWORD)
    clock.advance(minutes=10)
    assert admin.get("/settings/").status_code == 200  # activity: 15 more minutes
    clock.advance(minutes=14, seconds=59)
    assert admin.get("/settings/history").status_code == 200
    clock.advance(minutes=15, seconds=1)
    response = admin.get("/settings/data-backup")
    assert prompted(response)
    assert response.headers["Location"] == "/settings/elevate?next=/settings/data-backup"


def test_anyone_else_is_prompted_then_sees_the_page_asked_for(client, people):
    login(client, "alice", PASSWORD)
    response = client.get("/settings/schedule-backup")
    assert prompted(response)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Enter the admin password" in page
    done = submit(
        client,
        response.headers["Location"],
        data={"password": ADMIN_PASSWORD, "next": "/settings/schedule-backup"},
    )
    assert done.headers["Location"] == "/settings/schedule-backup"
    assert client.get("/settings/schedule-backup").status_code == 200


def test_the_session_identifier_changes_when_elevation_starts(client, people):
    login(client, "alice", PASSWORD)
    before = client.get_cookie("portal_session").value
    submit(client, "/settings/elevate", data={"password": ADMIN_PASSWORD})
    after = client.get_cookie("portal_session").value
    assert after != before
    client.set_cookie("portal_session", before)  # the old identifier is worthless now
    assert client.get("/").status_code == 302


def test_elevation_belongs_to_one_session(app, people):
    first = elevated(app, "alice")
    second = app.test_client()
    login(second, "alice", PASSWORD)
    assert first.get("/settings/").status_code == 200
    assert prompted(second.get("/settings/"))


def test_elevation_ends_at_log_out(app, people):
    alice = elevated(app, "alice")
    logout(alice)
    login(alice, "alice", PASSWORD)
    assert prompted(alice.get("/settings/"))


def test_leaving_system_settings_ends_elevation(app, people):
    alice = elevated(app, "alice")
    assert submit(alice, "/settings/", "/settings/leave").status_code == 302
    assert prompted(alice.get("/settings/"))


def test_a_wrong_password_says_so(client, people):
    login(client, "alice", PASSWORD)
    response = submit(client, "/settings/elevate", data={"password": PASSWORD})
    assert response.status_code == 400
    assert "That is not the admin password." in response.get_data(as_text=True)


def test_five_wrong_answers_lock_elevation(app, client, people, clock):
    login(client, "alice", PASSWORD)
    for _ in range(5):
        submit(client, "/settings/elevate", data={"password": "guess"})
    locked = submit(client, "/settings/elevate", data={"password": ADMIN_PASSWORD})
    assert "Too many wrong passwords" in locked.get_data(as_text=True)
    assert prompted(client.get("/settings/"))
    # another user is not locked out
    assert elevated(app, "bob").get("/settings/").status_code == 200
    clock.advance(minutes=15, seconds=1)
    assert submit(client, "/settings/elevate", data={"password": ADMIN_PASSWORD}).status_code == 302


def test_every_attempt_is_audited(app, client, people):
    login(client, "alice", PASSWORD)
    submit(client, "/settings/elevate", data={"password": "guess"})
    submit(client, "/settings/elevate", data={"password": ADMIN_PASSWORD})
    with app.app_context():
        rows = (
            get_db("system.db")
            .execute("SELECT action, actor, at FROM audit_log WHERE action LIKE 'elevation%'")
            .fetchall()
        )
    assert [(r["action"], r["actor"]) for r in rows] == [
        ("elevation failed", "alice"),
        ("elevation granted", "alice"),
    ]
    assert all(r["at"] for r in rows)


def settings_rules(app):
    """Every route of System Settings, by its URL (the Data Backup page is Data Backup's
    blueprint, and just as much System Settings), but the admin password prompt."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/settings/") and rule.endpoint != "settings.elevate":
            url = rule.rule.replace("<job_id>", "x").replace("<file>", "todo.db")
            url = url.replace("<copy>", "0")
            url = re.sub(r"<int:\w+>", "1", url)
            assert "<" not in url, f"{rule.rule}: give its variable a value here"
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url


def test_no_settings_page_or_action_without_elevation(app, people, instance_path):
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    page = alice.get("/").get_data(as_text=True)
    from tests.helpers import csrf_token

    token = csrf_token(page)
    reached = []
    rules = list(settings_rules(app))
    assert len(rules) >= 10
    for method, url in rules:
        if method == "GET":
            response = alice.get(url + "?file=todo.db&generation=0")
        else:
            response = alice.post(
                url,
                data={
                    "csrf_token": token,
                    "file": "todo.db",
                    "generation": "0",
                    "action": "save",
                    "enabled": "y",
                    "start": "00:00",
                    "end": "23:59",
                },
            )
        if not prompted(response):
            reached.append((method, url, response.status_code))
    assert reached == []
    assert not (instance_path / "backup" / "todo.db").exists()  # nothing was backed up
    anonymous = app.test_client()
    for method, url in rules:
        response = anonymous.open(url, method=method)
        assert response.status_code in (302, 400), (method, url)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login")


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "/\\evil.example"])
def test_the_prompt_sends_nobody_off_the_site(client, people, target):
    login(client, "alice", PASSWORD)
    response = submit(
        client, "/settings/elevate", data={"password": ADMIN_PASSWORD, "next": target}
    )
    assert response.headers["Location"] == "/settings/"
