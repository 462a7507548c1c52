"""Operator commands: init, set-admin-password, user add/list/remove, demo."""

from pathlib import Path

import pytest

from portal.datafiles import data_file
from portal.passwords import password_matches
from portal.users import find_user, list_users
from portal.web import get_db
from tests.helpers import login
from tests.serving import run_flask

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_VERSION = len(data_file("system.db").migrations)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_init_is_idempotent(tmp_path):
    instance = tmp_path / "site"
    first = run_flask(instance, "init")
    second = run_flask(instance, "init")
    assert first.returncode == second.returncode == 0
    assert str(instance) in first.stdout
    assert f"system.db: schema version {SYSTEM_VERSION} (upgraded from version 0)" in first.stdout
    assert f"system.db: schema version {SYSTEM_VERSION} (up to date)" in second.stdout
    assert "admin password is not set" in first.stdout
    assert (instance / "secret_key").read_text() and (instance / "backup").is_dir()


def test_init_upgrades_an_older_data_file(tmp_path):
    from portal import db as portal_db
    from portal.datafiles import DataFile

    instance = tmp_path / "old"
    (instance / "data").mkdir(parents=True)
    spec = data_file("system.db")
    conn = portal_db.connect(instance / "data" / "system.db", create=True)
    portal_db.migrate(conn, DataFile(spec.name, spec.description, spec.migrations[:1]))
    conn.execute("INSERT INTO groups (name, created_at) VALUES ('Kept', '2026-01-01')")
    conn.close()
    result = run_flask(instance, "init")
    assert result.returncode == 0, result.stderr
    assert f"system.db: schema version {SYSTEM_VERSION} (upgraded from version 1)" in result.stdout
    todo_version = len(data_file("todo.db").migrations)  # 2 since issue 15's index
    assert f"todo.db: schema version {todo_version} (upgraded from version 0)" in result.stdout
    conn = portal_db.connect(instance / "data" / "system.db")
    assert conn.execute("SELECT name FROM groups").fetchone()[0] == "Kept"
    assert conn.execute("SELECT count(*) FROM backup_days").fetchone()[0] == 0


def test_set_admin_password_from_stdin(runner, app, client):
    result = runner.invoke(args=["set-admin-password", "--password-stdin"], input="s3cret-admin\n")
    assert result.exit_code == 0, result.output
    assert login(client, "admin", "s3cret-admin").status_code == 302


def test_set_admin_password_refuses_a_short_one(runner, app):
    result = runner.invoke(args=["set-admin-password", "--password-stdin"], input="short\n")
    assert result.exit_code == 1
    assert "at least 8 characters" in result.output
    with app.app_context():
        assert not find_user(get_db("system.db"), "admin").has_password


def test_set_admin_password_prompts_twice(runner, client):
    result = runner.invoke(args=["set-admin-password"], input="typed-password\ntyped-password\n")
    assert result.exit_code == 0, result.output
    assert login(client, "admin", "typed-password").status_code == 302


def test_user_add_list_remove(runner, app, client):
    result = runner.invoke(
        args=["user", "add", "dave", "--name", "Dave Ng", "--group", "Support", "--password-stdin"],
        input="dave password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Added dave (Dave Ng) to the group Support." in result.output
    listing = runner.invoke(args=["user", "list"]).output
    assert "dave" in listing and "Dave Ng" in listing and "Support" in listing
    assert login(client, "dave", "dave password").status_code == 302
    removed = runner.invoke(args=["user", "remove", "dave"])
    assert removed.exit_code == 0
    assert client.get("/").status_code == 302  # logged out at once
    assert "dave" not in runner.invoke(args=["user", "list"]).output


def test_user_add_errors_are_clear(runner):
    args = ["user", "add", "bad login!", "--name", "X", "--group", "G", "--password-stdin"]
    bad = runner.invoke(args=args, input="long enough\n")
    assert bad.exit_code == 1 and "letters, digits" in bad.output
    ok = ["user", "add", "eve", "--name", "Eve", "--group", "G", "--password-stdin"]
    assert runner.invoke(args=ok, input="long enough\n").exit_code == 0
    dup = runner.invoke(args=ok, input="long enough\n")
    assert dup.exit_code == 1 and "already taken" in dup.output


def test_admin_cannot_be_removed(runner):
    result = runner.invoke(args=["user", "remove", "admin"])
    assert result.exit_code == 1
    assert "cannot be removed" in result.output


def test_demo_loads_an_organisation_once(runner, app):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "office-demo" in result.output
    with app.app_context():
        conn = get_db("system.db")
        people = [u for u in list_users(conn) if not u.is_admin]
        assert len(people) == 10
        assert len({u.group_name for u in people}) == 3
        assert password_matches(conn, people[0].id, "office-demo")
        for name, table in (
            ("schedule.db", "events"),
            ("bulletin.db", "posts"),
            ("todo.db", "todos"),
        ):
            assert get_db(name).execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0  # noqa: S608
    again = runner.invoke(args=["demo"])
    assert again.exit_code == 1 and "already has people" in again.output


def test_real_commands_honour_portal_instance_path(tmp_path):
    instance = tmp_path / "elsewhere"
    init = run_flask(instance, "init")
    assert init.returncode == 0, init.stderr
    assert (instance / "data" / "todo.db").exists()
    added = run_flask(
        instance,
        *["user", "add", "zoe", "--name", "Zoe Quinn", "--group", "Ops", "--password-stdin"],
        stdin="zoe password\n",
    )
    assert added.returncode == 0, added.stderr
    assert "zoe" in run_flask(instance, "user", "list").stdout


@pytest.mark.parametrize(
    "command",
    [
        ["init"],
        ["set-admin-password"],
        ["user", "add"],
        ["user", "list"],
        ["user", "remove"],
        ["demo"],
    ],
)
def test_every_command_has_help(runner, command):
    result = runner.invoke(args=[*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
