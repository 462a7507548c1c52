"""Log in, log out, the throttle, sessions that end for good, cookie flags."""

import re

import pytest

from portal.auth.login import WRONG_PASSWORD
from portal.passwords import hash_password, set_password
from portal.users import find_user, remove_user
from portal.web import get_db
from tests.helpers import PASSWORD, csrf_token, login, logout, submit


def test_pages_need_a_login(client, people):
    response = client.get("/todo/?x=1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_by_picking_group_and_name(client, people):
    page = client.get("/login?group=Sales").get_data(as_text=True)
    user_select = re.search(r'<select id="user".*?</select>', page, re.S).group(0)
    names = re.findall(r'<option value="([^"]+)">([^<]+)</option>', user_select)
    assert set(names) == {("alice", "Alice Brown"), ("bob", "Bob Clark")}  # Sales only
    response = submit(
        client,
        "/login",
        data={"user": "alice", "password": PASSWORD},
    )
    assert response.status_code == 302
    assert "Alice Brown" in client.get("/").get_data(as_text=True)


def test_login_by_typed_name_is_case_insensitive(client, people):
    assert login(client, "  ALICE ", PASSWORD).status_code == 302
    assert "Alice Brown" in client.get("/").get_data(as_text=True)


def test_wrong_password_and_unknown_login_answer_alike(client, people):
    wrong = login(client, "alice", "nope")
    unknown = login(client, "nobody", "nope")
    assert wrong.status_code == unknown.status_code == 400
    assert WRONG_PASSWORD in wrong.get_data(as_text=True)
    assert WRONG_PASSWORD in unknown.get_data(as_text=True)


def test_login_without_name_or_password_says_so_and_keeps_the_name(client, people):
    page = login(client, "alice", "").get_data(as_text=True)
    assert "Type your password." in page
    assert 'value="alice"' in page
    page = submit(client, "/login", data={"password": "x"}).get_data(as_text=True)
    assert "Choose your name or type your login name." in page


def test_after_five_wrong_passwords_the_account_is_locked(client, people, clock):
    for _ in range(5):
        assert login(client, "alice", "wrong").status_code == 400
    locked = login(client, "alice", PASSWORD)
    assert locked.status_code == 400
    assert "Too many wrong passwords" in locked.get_data(as_text=True)
    clock.advance(minutes=14, seconds=59)
    assert "Too many wrong passwords" in login(client, "alice", PASSWORD).get_data(as_text=True)
    clock.advance(seconds=2)
    assert login(client, "alice", PASSWORD).status_code == 302


def test_lockout_does_not_reveal_whether_the_login_exists(client, people):
    for name in ("alice", "ghost"):
        for _ in range(5):
            login(client, name, "wrong")
    real = login(client, "alice", "x").get_data(as_text=True)
    ghost = login(client, "ghost", "x").get_data(as_text=True)
    message = re.compile(r"Too many wrong passwords[^<]*")
    assert message.search(real).group(0) == message.search(ghost).group(0)


def test_failures_older_than_the_window_do_not_count(client, people, clock):
    for _ in range(4):
        login(client, "alice", "wrong")
    clock.advance(minutes=15, seconds=1)
    login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 302


def test_one_account_locked_does_not_lock_another(client, people, app):
    for _ in range(5):
        login(client, "alice", "wrong")
    assert login(app.test_client(), "bob", PASSWORD).status_code == 302


def test_a_good_login_resets_the_count(client, people):
    for _ in range(4):
        login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 302
    logout(client)
    for _ in range(4):
        login(client, "alice", "wrong")
    assert login(client, "alice", PASSWORD).status_code == 302


def test_failed_logins_and_lockouts_are_audited(client, people, app):
    for _ in range(5):
        login(client, "alice", "wrong")
    with app.app_context():
        actions = [r["action"] for r in get_db("system.db").execute("SELECT action FROM audit_log")]
    assert actions.count("login failed") == 4
    assert actions.count("login locked") == 1


def test_logout_is_a_post_with_csrf(alice):
    assert alice.get("/logout").status_code == 405
    assert alice.post("/logout").status_code == 400  # no token
    assert alice.get("/").status_code == 200  # still logged in
    assert logout(alice).status_code == 302
    assert alice.get("/").status_code == 302


def test_a_cookie_replayed_after_logout_is_rejected(alice):
    cookie = alice.get_cookie("portal_session").value
    logout(alice)
    alice.set_cookie("portal_session", cookie)
    response = alice.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_logout_ends_only_that_browser(alice, bob):
    logout(alice)
    assert bob.get("/").status_code == 200


def test_a_new_password_ends_every_session(alice, app, people):
    with app.app_context():
        set_password(get_db("system.db"), people["alice"].id, hash_password("another one"))
    assert alice.get("/").status_code == 302


def test_a_removed_user_is_logged_out(alice, app, clock):
    with app.app_context():
        remove_user(get_db("system.db"), "alice", clock())
    assert alice.get("/").status_code == 302


def test_sessions_expire(alice, clock):
    clock.advance(hours=12, seconds=1)
    assert alice.get("/").status_code == 302


def test_session_cookie_flags(client, people):
    response = login(client, "alice", PASSWORD)
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Secure" not in header


def test_secure_cookie_setting(tmp_path, people):
    from tests.helpers import open_app

    app = open_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "s"), "SESSION_COOKIE_SECURE": True}
    )
    response = app.test_client().get("/login")
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("/todo/", "/todo/"),
        ("/scheduler/week?date=2026-11-27", "/scheduler/week?date=2026-11-27"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_stays_on_the_site(client, people, next_url, landing):
    response = login(client, "alice", PASSWORD, next_url=next_url)
    assert response.headers["Location"] == landing


def test_next_from_the_login_redirect_is_kept(client, people):
    page = client.get("/login?next=/bulletin/").get_data(as_text=True)
    assert 'name="next" type="hidden" value="/bulletin/"' in page
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(page),
            "login": "alice",
            "password": PASSWORD,
            "next": "/bulletin/",
        },
    )
    assert response.headers["Location"] == "/bulletin/"


def test_login_post_without_csrf_token_is_refused(client, people):
    response = client.post("/login", data={"login": "alice", "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_names_can_be_hidden(tmp_path):
    from tests.helpers import open_app

    app = open_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "h"), "LOGIN_SHOW_NAMES": False}
    )
    page = app.test_client().get("/login").get_data(as_text=True)
    assert "Administrator" not in page
    assert "Login name" in page


def test_admin_without_password_cannot_log_in(client, app):
    with app.app_context():
        assert not find_user(get_db("system.db"), "admin").has_password
    assert login(client, "admin", "").status_code == 400
    assert login(client, "admin", "anything").status_code == 400
