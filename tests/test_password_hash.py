"""The real password hash. Other tests hash with one cheap round (tests/conftest.py,
`cheap_password_hash`); these keep the portal's own: werkzeug's scrypt, salted, and the
same cost for a login name that does not exist."""

from __future__ import annotations

import pytest

from portal import passwords
from portal.passwords import hash_password, password_matches, set_password
from portal.users import add_user, find_user
from portal.web import get_db

pytestmark = pytest.mark.real_password_hash


def test_passwords_are_hashed_with_salted_scrypt():
    first, second = hash_password("a good password"), hash_password("a good password")
    assert first.startswith("scrypt:") and second.startswith("scrypt:")
    assert first != second  # salted
    assert "a good password" not in first


def test_a_stored_password_is_checked_against_its_scrypt_hash(app, clock):
    with app.app_context():
        conn = get_db("system.db")
        user = add_user(conn, "dora", "Dora Eck", "Sales", hash_password("first one"), clock())
        stored = conn.execute("SELECT password_hash FROM users WHERE id = ?", (user.id,))
        assert stored.fetchone()[0].startswith("scrypt:")
        assert password_matches(conn, user.id, "first one")
        assert not password_matches(conn, user.id, "First one")
        set_password(conn, user.id, hash_password("second one"))
        assert password_matches(conn, find_user(conn, "dora").id, "second one")
        assert not password_matches(conn, user.id, "first one")
        # No such account: checked against a real scrypt hash all the same, never a match.
        assert not password_matches(conn, None, "first one")
        assert passwords._dummy_hash().startswith("scrypt:")
