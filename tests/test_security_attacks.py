"""Issue 10's defect reports that are about the web surface: any method on any URL as
anyone never answers 5xx, personal responses are never cached, redirects never carry a
host taken from the request, and live data files are private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from werkzeug.routing import IntegerConverter

from portal.reminder import store
from portal.web import data_backup_of, get_db, instance_of
from tests.helpers import PASSWORD, login, submit
from tests.settings_helpers import elevated

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def urls(app) -> list[str]:
    """Every URL of the map, its variables filled with plausible values."""
    adapter = app.url_map.bind("localhost")
    found = set()
    for rule in app.url_map.iter_rules():
        values = {
            name: "portal.css"
            if name == "filename"
            else ("1" if isinstance(c, IntegerConverter) else "x")
            for name, c in rule._converters.items()
        }
        found.add(adapter.build(rule.endpoint, values))
    return sorted(found)


def browsers(app, people, clock):
    with app.app_context():
        conn = get_db("system.db")
        from datetime import time

        store.save_settings(conn, store.ReminderSettings(True, time(0), time(23, 59)))
        store.add_members(conn, [people["bob"].id], clock())
    anonymous = app.test_client()
    member = app.test_client()
    login(member, "carol", PASSWORD)
    backup_member = app.test_client()
    login(backup_member, "bob", PASSWORD)
    return {
        "anonymous": anonymous,
        "member": member,
        "backup group member": backup_member,
        "elevated admin": elevated(app, "admin"),
    }


def test_no_method_on_any_url_answers_5xx_for_anyone(app, people, clock):
    seen = []
    for who, client in browsers(app, people, clock).items():
        for url in urls(app):
            for method in METHODS:
                response = client.open(url, method=method)
                seen.append((who, method, url, response.status_code))
                assert response.status_code < 500, (who, method, url, response.status_code)
    assert len(seen) > 4 * 7 * 20  # the map was walked, not skipped


def personal_responses(client):
    yield "a page", client.get("/")
    yield "a missing static file", client.get("/static/nope.css")
    yield "a missing page", client.get("/no-such-page")
    yield "a refused method", client.delete("/")


def test_every_response_to_a_logged_in_user_is_never_cached(app, people):
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    for what, response in personal_responses(alice):
        assert response.headers.get("Cache-Control") == "no-store", what


def test_the_backup_progress_json_is_never_cached(app, people):
    admin = elevated(app, "admin")
    started = submit(
        admin, "/settings/data-backup", "/settings/data-backup/backup", data={"file": ""}
    )
    progress = admin.get(started.headers["Location"] + "/progress")
    assert progress.status_code == 200 and progress.is_json
    assert progress.headers.get("Cache-Control") == "no-store"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000"])
@pytest.mark.parametrize("url", ["/", "/settings", "/todo", "/backup"])
def test_redirects_never_carry_a_host_from_the_request(app, people, host, url):
    # "/settings" and the like are redirected to "/settings/" by the URL map itself.
    for client in (app.test_client(), logged_in(app, "alice")):
        answer = client.get(url, headers={"Host": host})
        assert answer.status_code in (301, 302, 308), (url, answer.status_code)
        location = answer.headers["Location"]
        assert location.startswith("/") and "evil.example" not in location, location
        # Issue 21, item 11: nor its body (Werkzeug's redirect page linked to the host).
        assert "evil.example" not in answer.get_data(as_text=True), url
        assert f'href="{location}"' in answer.get_data(as_text=True)


def test_hsts_is_sent_when_the_portal_is_served_over_https(app, people):
    """Issue 21, item 12: Strict-Transport-Security once the portal is configured for
    HTTPS (SESSION_COOKIE_SECURE, as docs/deploy-iis.md says), on every answer."""
    assert "Strict-Transport-Security" not in app.test_client().get("/login").headers
    app.config["SESSION_COOKIE_SECURE"] = True
    for url in ("/login", "/", "/static/portal.css"):
        answer = app.test_client().get(url, base_url="https://portal.office.local")
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000", url


def test_trusted_hosts_refuse_any_other_host(app, people):
    app.config["TRUSTED_HOSTS"] = ["portal.office.local"]
    client = app.test_client()
    refused = client.get("/settings", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and "Location" not in refused.headers
    served = client.get("/login", headers={"Host": "portal.office.local"})
    assert served.status_code == 200


def logged_in(app, name: str):
    client = app.test_client()
    login(client, name, PASSWORD)
    return client


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_live_data_files_and_their_wal_are_private(app, people, instance_path):
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    alice.get("/")  # the data files are open: their -wal and -shm exist
    files = [p for p in Path(instance_path, "data").iterdir() if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)
    for path in files:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path.name} is {mode:04o}"


def test_an_unexpected_error_is_logged_with_its_traceback_and_shown_plainly(
    instance_path, clock, monkeypatch, caplog
):
    from tests.helpers import open_app

    monkeypatch.delenv("PORTAL_INSTANCE_PATH", raising=False)
    app = open_app({"INSTANCE_PATH": str(instance_path), "CLOCK": clock})  # not TESTING

    def broken():
        raise RuntimeError("a bug in a view")

    app.add_url_rule("/broken", view_func=broken)
    with caplog.at_level("ERROR"):
        answer = app.test_client().get("/broken")
    assert answer.status_code == 500
    assert "Something went wrong on the server" in answer.get_data(as_text=True)
    assert "a bug in a view" not in answer.get_data(as_text=True)
    logged = [r for r in caplog.records if "unexpected error on GET /broken" in r.getMessage()]
    assert logged and logged[0].exc_info and "a bug in a view" in str(logged[0].exc_info[1])


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_every_file_under_the_instance_is_private_after_demo_backup_and_restore(app, instance_path):
    from portal import demo

    with app.app_context():
        demo.load_into_empty(instance_of(app), "tester")
        data_backup_of(app).run_backup(None, "tester")
        data_backup_of(app).restore("todo.db", 0, "tester")
        data_backup_of(app).engine().verify()
    member = app.test_client()
    login(member, "alice", "office-demo")
    member.get("/")  # the data files are open: -wal and -shm exist
    seen = []
    for path in [instance_path, *instance_path.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        seen.append(path.name)
        assert mode & 0o077 == 0, f"{path.relative_to(instance_path)} is {mode:04o}"
    assert {"secret_key", "backup.txt", "todo.db-wal", "pre-restore"} <= set(seen)
