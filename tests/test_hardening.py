"""Hardening across the whole portal: safe `next`, the headers of every response, no
URL that serves a data file or a backup, and no form that answers 500 to anything."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.reminder import store
from portal.security import is_safe_next
from portal.web import get_db
from tests.helpers import PASSWORD, login, submit
from tests.settings_helpers import elevated

OFF_SITE = [
    "//evil.example",
    "\\\\evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "https://evil.example",
    "http:/evil.example",
    "%2f%2fevil.example",
    "%2F%2Fevil.example",
    "///evil.example",
    " //evil.example",
    "\t//evil.example",
    "/\t/evil.example",
    "/\r\n/evil.example",
    "javascript:alert(1)",
    "data:text/html,x",
    "evil.example",
    "",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_accepts_only_paths_on_this_site(target):
    assert not is_safe_next(target)


@pytest.mark.parametrize("target", ["/", "/todo/", "/scheduler/week?date=2026-11-27", "/%2f%2f"])
def test_next_accepts_paths(target):
    assert is_safe_next(target)


@pytest.mark.parametrize("target", OFF_SITE)
def test_every_next_redirect_stays_on_the_site(app, people, clock, target):
    client = app.test_client()
    response = login(client, "alice", PASSWORD, next_url=target)
    assert response.headers["Location"] == "/"
    with app.app_context():
        store.add_members(get_db("system.db"), [people["alice"].id], clock())
    skipped = submit(client, "/backup/", "/backup/skip", data={"next": target})
    assert skipped.headers["Location"] == "/"


def assert_hardened(response, url):
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, url
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, url
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("Referrer-Policy") == "same-origin", url


def test_every_response_carries_the_security_headers(app, people):
    anonymous = app.test_client()
    for url in ("/login", "/", "/static/portal.css", "/static/portal.js", "/nowhere"):
        assert_hardened(anonymous.get(url), url)
    admin = elevated(app, "admin")
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and "<" not in rule.rule and rule.endpoint != "static":
            assert_hardened(admin.get(rule.rule), rule.rule)
    assert_hardened(anonymous.post("/login"), "POST /login without token")


def test_no_inline_script_in_any_page(app, people):
    admin = elevated(app, "admin")
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and "<" not in rule.rule and rule.endpoint != "static":
            page = admin.get(rule.rule).get_data(as_text=True)
            assert "<script>" not in page and " onclick=" not in page, rule.rule


FILE_URLS = [
    "/backup/todo.db",
    "/backup/1/todo.db",
    "/backup/backup.txt",
    "/instance/data/todo.db",
    "/data/todo.db",
    "/static/../instance/data/system.db",
    "/static/..%2f..%2finstance%2fdata%2fsystem.db",
    "/static/%2e%2e/%2e%2e/instance/secret_key",
    "/settings/data-backup/todo.db",
    "/settings/data-backup/run/../../todo.db",
    "/todo.db",
    "/system.db",
]


@pytest.mark.parametrize("url", FILE_URLS)
def test_no_url_serves_a_data_file_or_a_backup(app, people, url, instance_path):
    admin = elevated(app, "admin")
    app.test_cli_runner().invoke(args=["backup", "run"])
    response = admin.get(url)
    assert response.status_code in (302, 404), (url, response.status_code)
    assert b"SQLite format 3" not in response.data
    assert (instance_path / "secret_key").read_bytes() not in response.data


# Every form, with its fields: (page to read the token from, where it is sent, fields).
FORMS = [
    ("/todo/", "/todo/", ("title", "due_date", "memo")),
    ("/scheduler/new", "/scheduler/new", ("day", "start_time", "end_time", "title", "memo")),
    ("/bulletin/new", "/bulletin/new", ("title", "body")),
    (
        "/settings/schedule-backup",
        "/settings/schedule-backup",
        ("action", "group", "candidates", "members", "selected_members", "enabled", "start", "end"),
    ),
    ("/settings/data-backup", "/settings/data-backup/restore", ("file", "generation")),
    ("/settings/data-backup", "/settings/data-backup/backup", ("file",)),
    ("/backup/", "/backup/skip", ("next",)),
]
LOGIN_FIELDS = ("login", "password", "user", "next")
values = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200
) | st.sampled_from(
    [
        "",
        "save",
        "add",
        "remove",
        "filter",
        "todo.db",
        "0",
        "7",
        "8",
        "-1",
        "../system.db",
        "2026-02-30",
        "24:00",
        "23:59",
        "00:00",
        "9999-12-31",
        "99999999999999999999999",
        "y",
        "1,2,3",
        "%s",
        "<script>",
    ]
)


def run_forms(app, data, anonymous, not_elevated, member_admin):
    which = data.draw(st.sampled_from(["login", "elevate", "other"]))
    if which == "login":
        fields = {name: data.draw(values) for name in LOGIN_FIELDS}
        response = submit(anonymous, "/login", data=fields)
    elif which == "elevate":
        fields = {name: data.draw(values) for name in ("password", "next")}
        response = submit(not_elevated, "/settings/elevate", data=fields)
    else:
        page, action, names = data.draw(st.sampled_from(FORMS))
        fields = {name: data.draw(values) for name in names}
        response = submit(member_admin, page, action, data=fields)
    assert response.status_code in (200, 302, 400, 404), (fields, response.status_code)


@pytest.fixture
def form_clients(app, people, clock):
    """Someone not logged in, alice (logged in, not elevated), and the Administrator
    (elevated, and in the Data Backup Group)."""
    with app.app_context():
        store.add_members(get_db("system.db"), [people["admin"].id], clock())
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    return app.test_client(), alice, elevated(app, "admin")


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_form_answers_500(app, form_clients, data):
    run_forms(app, data, *form_clients)


@pytest.mark.slow
@settings(
    max_examples=1200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_form_answers_500_thoroughly(app, form_clients, data):
    run_forms(app, data, *form_clients)
