"""Site-wide protections: next checks, headers, error pages, never a 500 from a form."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.security import is_safe_next
from tests.helpers import submit


@pytest.mark.parametrize(
    ("target", "safe"),
    [
        ("/", True),
        ("/todo/?a=1#x", True),
        ("", False),
        (None, False),
        ("todo", False),
        ("//evil.example", False),
        ("/\\evil.example", False),
        ("https://evil.example/", False),
        ("/\x00", False),
        ("/\ttab", False),
    ],
)
def test_is_safe_next(target, safe):
    assert is_safe_next(target) is safe


def test_security_headers(alice):
    response = alice.get("/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_page_is_a_friendly_404(alice):
    response = alice.get("/nowhere")
    assert response.status_code == 404
    assert "There is no such page" in response.get_data(as_text=True)


def test_oversized_request_is_refused_cleanly(alice):
    response = submit(alice, "/bulletin/new", data={"title": "x", "body": "y" * 2_000_000})
    assert response.status_code == 413


FORMS = [
    ("/login", "/login", ("login", "password", "user", "next")),
    ("/todo/", "/todo/", ("title", "due_date", "memo")),
    ("/scheduler/new", "/scheduler/new", ("day", "start_time", "end_time", "title", "memo")),
    ("/bulletin/new", "/bulletin/new", ("title", "body")),
]
text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300
) | st.sampled_from(["", " ", "2026-02-30", "24:00", "0000-00-00", "9999-12-31", "-1", "%s"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_no_form_input_gives_a_500(app, alice, data):
    page, action, fields = data.draw(st.sampled_from(FORMS))
    values = {name: data.draw(text) for name in fields}
    browser = app.test_client() if page == "/login" else alice
    response = submit(browser, page, action, data=values)
    assert response.status_code in (200, 302, 400), (page, values)


HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        (f"/todo/{HUGE}/edit", 404),
        (f"/scheduler/{HUGE}", 404),
        (f"/bulletin/{HUGE}", 404),
        (f"/bulletin/?before=2026-11-27T10:00:00.000000Z_{HUGE}", 200),
        ("/bulletin/?after=2026-11-27T10:00:00.000000Z_999999999999999999", 200),
        (f"/settings/history?before=2026-11-27T10:00:00.000000Z_{HUGE}", 302),
        (f"/scheduler/?date={HUGE}", 200),
    ],
)
def test_numbers_too_big_for_sqlite_are_not_a_500(alice, url, status):
    assert alice.get(url).status_code == status


def test_login_with_absurd_ids_is_not_a_500(client, people):
    assert client.get(f"/login?group={HUGE}").status_code == 200
    response = submit(client, "/login", data={"user": HUGE, "password": "x"})
    assert response.status_code == 400
    assert "not correct" in response.get_data(as_text=True)
