"""Issue 10, defects 3 to 5: the password throttle raced by parallel requests, another
person locked out of the admin password prompt by crafted login names, and five guesses
at the admin password per account."""

from __future__ import annotations

import threading
import urllib.error
import urllib.parse
from datetime import UTC, datetime

import pytest

from portal.passwords import hash_password, set_password
from portal.users import add_user, ensure_admin
from portal.web import get_db
from tests.helpers import ADMIN_PASSWORD, PASSWORD, csrf_token, login, open_app, submit
from tests.http_client import Browser
from tests.serving import serve

WRONG = "The login name or password is not correct."
LOCKED = "Too many wrong passwords."


def prompt(client, password: str):
    return submit(
        client,
        "/settings/elevate?next=/settings/",
        data={"password": password, "next": "/settings/"},
    )


# -- 4. Throttle keys cannot collide ------------------------------------------------------


def test_nobody_can_lock_another_person_out_of_the_prompt(app, people):
    alice_id = people["alice"].id
    stranger = app.test_client()
    for crafted in (f"elevation:{alice_id}", "elevation:alice", "admin-password"):
        for _ in range(6):
            submit(stranger, "/login", data={"login": crafted, "password": "a guess"})
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    granted = prompt(alice, ADMIN_PASSWORD)
    assert granted.status_code == 302, granted.get_data(as_text=True)


def test_no_internal_id_in_the_anonymous_login_page(app, people):
    page = app.test_client().get("/login").get_data(as_text=True)
    for person in people.values():
        assert f'value="{person.id}"' not in page
    assert 'value="alice"' in page  # the list names people by their login names


# -- 5. The admin password has one budget ----------------------------------------------


def test_the_admin_password_has_one_budget_across_accounts_and_doors(app, people):
    guessers = [elevated_not(app, name) for name in ("alice", "bob", "carol")]
    answers = []
    for client in guessers:
        for _ in range(4):  # under each person's own limit of 5
            answers.append(prompt(client, "a wrong guess").get_data(as_text=True))
    # Ten answers are checked: nine are wrong, the tenth uses the budget up and says so.
    assert all("That is not the admin password." in a for a in answers[:9])
    assert all(LOCKED in a for a in answers[9:])
    # Now even the right password is refused, at the prompt and at the admin's login.
    assert LOCKED in prompt(guessers[0], ADMIN_PASSWORD).get_data(as_text=True)
    admin = app.test_client()
    refused = login(admin, "admin", ADMIN_PASSWORD)
    assert refused.status_code != 302 and LOCKED in refused.get_data(as_text=True)
    with app.app_context():
        rows = (
            get_db("system.db")
            .execute("SELECT count(*) FROM audit_log WHERE action = 'admin password locked'")
            .fetchone()[0]
        )
    assert rows == 1


def test_the_budget_is_a_setting(app, people):
    app.config["ADMIN_PASSWORD_MAX_FAILURES"] = 3
    alice = elevated_not(app, "alice")
    answers = [prompt(alice, "a wrong guess").get_data(as_text=True) for _ in range(4)]
    assert LOCKED in answers[3]


def elevated_not(app, name: str):
    """A browser logged in as `name`, at the admin password prompt."""
    client = app.test_client()
    login(client, name, PASSWORD)
    return client


# -- 3. The throttle is atomic ----------------------------------------------------------------


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    instance = tmp_path_factory.mktemp("throttle") / "site"
    app = open_app({"INSTANCE_PATH": str(instance), "TIMEZONE": "UTC"})
    with app.app_context():
        conn = get_db("system.db")
        now = datetime.now(UTC)
        for n in range(3):
            add_user(conn, f"user{n}", f"User {n}", "Sales", hash_password(PASSWORD), now)
        set_password(conn, ensure_admin(conn, now).id, hash_password(ADMIN_PASSWORD))
    with serve(instance, "--threads", "16", env={"PORTAL_TIMEZONE": "UTC"}) as (url, _out):
        yield url


def burst(url: str, attempts: list[tuple[str, str]]) -> list[str]:
    """Send the logins all at once, each from its own browser: the answers' pages
    (or "logged in" for a redirect to the portal)."""
    browsers = [Browser(url) for _ in attempts]
    forms = []
    for browser, (name, password) in zip(browsers, attempts, strict=True):
        token = csrf_token(browser.get("/login"))
        forms.append(
            urllib.parse.urlencode(
                {"csrf_token": token, "login": name, "password": password}
            ).encode()
        )
    start = threading.Barrier(len(attempts))
    answers = [""] * len(attempts)

    def send(i: int) -> None:
        start.wait()
        try:
            with browsers[i].opener.open(url + "/login", forms[i], timeout=120) as response:
                page = response.read().decode()
                answers[i] = "logged in" if response.url.rstrip("/") == url else page
        except urllib.error.HTTPError as refused:  # a login refused answers 400
            answers[i] = refused.read().decode()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.parametrize(("who", "size"), [("user0", 24), ("user1", 48)])
def test_no_more_passwords_are_checked_than_the_limit_however_many_at_once(served, who, size):
    answers = burst(served, [(who, f"guess {n}") for n in range(size)])
    # A checked answer says "not correct" (or, the one that reaches the limit, that the
    # name is locked): at most 5 are checked, however many arrive at once.
    assert sum(WRONG in a for a in answers) <= 5
    assert all(WRONG in a or LOCKED in a for a in answers)
    # Locked now: the right password is refused too, alone or in a burst.
    assert LOCKED in burst(served, [(who, PASSWORD)])[0]
    again = burst(served, [(who, f"again {n}") for n in range(size - 1)] + [(who, PASSWORD)])
    assert all(LOCKED in a for a in again)


def test_the_right_password_in_a_burst_logs_in_only_before_the_limit(served):
    # The right password last in a burst of 23 wrong ones: it logs in only if it is
    # checked before the name is locked; otherwise it is refused like the rest. A good
    # login forgives the wrong answers before it (tests/test_auth.py), never more.
    answers = burst(served, [("user2", f"guess {n}") for n in range(23)] + [("user2", PASSWORD)])
    assert all(WRONG in a or LOCKED in a for a in answers[:-1])
    if answers[-1] != "logged in":
        assert LOCKED in answers[-1]
        assert LOCKED in burst(served, [("user2", PASSWORD)])[0]


def test_a_burst_against_the_admin_password_checks_at_most_its_budget(served):
    answers = burst(served, [("admin", f"guess {n}") for n in range(30)])
    assert sum(WRONG in a for a in answers) <= 5
    assert LOCKED in burst(served, [("admin", ADMIN_PASSWORD)])[0]
