"""People and groups in system.db: the users who log in, their groups, the built-in
Administrator. Plain functions over a connection, so the web, the commands and the
demo all share them."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask_login import UserMixin

from portal.clock import to_db
from portal.db import transaction

ADMIN_LOGIN = "admin"
LOGIN_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
NAME_MAX = 100
GROUP_MAX = 60


class UserError(ValueError):
    """A request about people that cannot be carried out; the message says why."""


@dataclass(eq=False)
class User(UserMixin):
    """A person as the portal sees them; get_id() is this browser's session token."""

    id: int
    login: str
    name: str
    group_id: int | None
    group_name: str | None
    is_admin: bool
    has_password: bool
    session_token: str | None = None
    # Until when this browser session may use System Settings (see auth/elevation.py).
    elevated_until: datetime | None = None

    def get_id(self) -> str | None:
        return self.session_token


@dataclass(frozen=True)
class Group:
    id: int
    name: str


USER_COLUMNS = """u.id, u.login, u.name, u.group_id, g.name AS group_name, u.is_admin,
    u.password_hash IS NOT NULL AS has_password"""
USER_FROM = "FROM users u LEFT JOIN groups g ON g.id = u.group_id"
_USER_SELECT = f"SELECT {USER_COLUMNS} {USER_FROM}"


def user_from_row(row: sqlite3.Row, session_token: str | None = None) -> User:
    """Build a User from a row selected with the user columns."""
    return User(
        id=row["id"],
        login=row["login"],
        name=row["name"],
        group_id=row["group_id"],
        group_name=row["group_name"],
        is_admin=bool(row["is_admin"]),
        has_password=bool(row["has_password"]),
        session_token=session_token,
    )


def get_user(conn: sqlite3.Connection, user_id: int) -> User | None:
    """The user with this id, or None."""
    row = conn.execute(_USER_SELECT + " WHERE u.id = ?", (user_id,)).fetchone()
    return user_from_row(row) if row else None


def find_user(conn: sqlite3.Connection, login: str) -> User | None:
    """The user with this login name (case-insensitive), or None."""
    row = conn.execute(_USER_SELECT + " WHERE u.login = ?", (login.strip(),)).fetchone()
    return user_from_row(row) if row else None


class Someone(NamedTuple):
    login: str
    name: str  # the full name, "(removed)" after it for someone removed
    removed: bool


def people_by_id(conn: sqlite3.Connection) -> dict[int, Someone]:
    """Everyone by user id, people removed since too (marked): whose an item in a copy
    is, its owner having perhaps gone since."""
    people = {
        row[0]: Someone(row[1], f"{row[2]} (removed)", True)
        for row in conn.execute("SELECT id, login, name FROM removed_users")
    }
    people.update(
        (row[0], Someone(row[1], row[2], False))
        for row in conn.execute("SELECT id, login, name FROM users")
    )
    return people


def names_by_login(conn: sqlite3.Connection) -> dict[str, str]:
    """Full names by login (case-folded), people removed since marked '(removed)'."""
    names = {
        row[0].casefold(): f"{row[1]} (removed)"
        for row in conn.execute("SELECT login, name FROM removed_users")
    }
    names.update(
        (row[0].casefold(), row[1]) for row in conn.execute("SELECT login, name FROM users")
    )
    return names


def list_users(conn: sqlite3.Connection, group_id: int | None = None) -> list[User]:
    """Everyone, or the members of one group (group_id 0: people in no group), by name."""
    if group_id is None:
        rows = conn.execute(_USER_SELECT + " ORDER BY u.name COLLATE NOCASE")
    elif group_id == 0:
        rows = conn.execute(
            _USER_SELECT + " WHERE u.group_id IS NULL ORDER BY u.name COLLATE NOCASE"
        )
    else:
        rows = conn.execute(
            _USER_SELECT + " WHERE u.group_id = ? ORDER BY u.name COLLATE NOCASE", (group_id,)
        )
    return [user_from_row(row) for row in rows]


def names_by_id(conn: sqlite3.Connection, ids: set[int]) -> dict[int, str]:
    """Display names for a set of user ids; a removed person's name says so."""
    if not ids:
        return {}
    # One bound parameter for any number of ids: no SQL is built from strings.
    wanted = json.dumps(sorted(ids))
    rows = conn.execute(
        "SELECT id, CASE name WHEN '' THEN 'former user' ELSE name || ' (removed)' END AS name"
        " FROM removed_users"
        " WHERE id IN (SELECT value FROM json_each(?)) AND id NOT IN (SELECT id FROM users)"
        " UNION ALL SELECT id, name FROM users WHERE id IN (SELECT value FROM json_each(?))",
        (wanted, wanted),
    )
    return {row["id"]: row["name"] for row in rows}


def list_groups(conn: sqlite3.Connection) -> list[Group]:
    """All groups by name."""
    rows = conn.execute("SELECT id, name FROM groups ORDER BY name COLLATE NOCASE")
    return [Group(row["id"], row["name"]) for row in rows]


def ensure_group(conn: sqlite3.Connection, name: str, now: datetime) -> int:
    """The id of the group called `name`, created if it does not exist yet."""
    name = " ".join(name.split())
    if not name or len(name) > GROUP_MAX:
        raise UserError(f"A group name needs 1 to {GROUP_MAX} characters.")
    with transaction(conn):
        row = conn.execute("SELECT id FROM groups WHERE name = ?", (name,)).fetchone()
        if row:
            return row["id"]
        cur = conn.execute(
            "INSERT INTO groups (name, created_at) VALUES (?, ?)", (name, to_db(now))
        )
        return cur.lastrowid


def _next_id(conn: sqlite3.Connection) -> int:
    """An id past every id anyone ever had (call inside the write transaction): a removed
    person's to-dos, events and posts keep their id in the other data files, and must
    never become someone else's."""
    return conn.execute(
        "SELECT max(coalesce((SELECT max(id) FROM users), 0),"
        " coalesce((SELECT max(id) FROM removed_users), 0)) + 1"
    ).fetchone()[0]


def add_user(
    conn: sqlite3.Connection,
    login: str,
    name: str,
    group: str | None,
    password_hash: str | None,
    now: datetime,
) -> User:
    """Create a user (and their group if needed); UserError if the login is taken or invalid."""
    login, name = login.strip(), " ".join(name.split())
    if not LOGIN_PATTERN.match(login):
        raise UserError(
            "A login name has 1 to 64 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )
    if not name or len(name) > NAME_MAX:
        raise UserError(f"A full name needs 1 to {NAME_MAX} characters.")
    group_id = ensure_group(conn, group, now) if group else None
    try:
        with transaction(conn):
            new_id = _next_id(conn)
            conn.execute(
                "INSERT INTO users (id, login, name, group_id, password_hash, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (new_id, login, name, group_id, password_hash, to_db(now)),
            )
    except sqlite3.IntegrityError as exc:
        raise UserError(f"The login name {login!r} is already taken.") from exc
    return get_user(conn, new_id)


def removable(conn: sqlite3.Connection, login: str) -> User:
    """The person with this login, if they may be removed; UserError otherwise."""
    user = find_user(conn, login)
    if user is None:
        raise UserError(f"There is no user with the login name {login!r}.")
    if user.login.lower() == ADMIN_LOGIN:
        raise UserError("The built-in Administrator cannot be removed.")
    return user


def remove_user(conn: sqlite3.Connection, login: str, now: datetime) -> User:
    """Remove a person from system.db: their sessions end, and their id and name are kept
    in removed_users (never given to anyone else). portal/people.py also deletes their
    private items in the other data files."""
    user = removable(conn, login)
    with transaction(conn):
        conn.execute(
            "INSERT OR REPLACE INTO removed_users (id, login, name, removed_at)"
            " VALUES (?, ?, ?, ?)",
            (user.id, user.login, user.name, to_db(now)),
        )
        conn.execute("DELETE FROM users WHERE id = ?", (user.id,))
    return user


def reserve_ids(conn: sqlite3.Connection, ids: set[int], now: datetime) -> int:
    """Keep ids found in the other data files without a person (people removed before
    ids were kept) from being given to anyone; return how many were reserved."""
    with transaction(conn):
        cur = conn.execute(
            "INSERT OR IGNORE INTO removed_users (id, login, name, removed_at)"
            " SELECT value, '', '', ? FROM json_each(?)"
            " WHERE value NOT IN (SELECT id FROM users)",
            (to_db(now), json.dumps(sorted(ids))),
        )
    return cur.rowcount


def ensure_admin(conn: sqlite3.Connection, now: datetime) -> User:
    """The built-in Administrator (login 'admin'), created without a password if missing.
    Read first: every start asks, and a start must not need to write (a full disk)."""
    admin = find_user(conn, ADMIN_LOGIN)
    if admin is not None:
        return admin
    with transaction(conn):
        conn.execute(
            "INSERT OR IGNORE INTO users (id, login, name, is_admin, created_at)"
            " VALUES (?, ?, 'Administrator', 1, ?)",
            (_next_id(conn), ADMIN_LOGIN, to_db(now)),
        )
    return find_user(conn, ADMIN_LOGIN)
