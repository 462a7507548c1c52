"""Issue 9 as the browser meets it: restore of a copy that cannot be proven needs a
second confirmation; unrecorded copies and safety copies are shown; a missing or damaged
data file or an unusable backup folder is reported on the pages, never a 500."""

from __future__ import annotations

from pathlib import Path

from portal.db import close_kept_connections
from portal.web import get_db
from tests.helpers import PASSWORD, csrf_token, login, submit
from tests.settings_helpers import elevated
from tests.test_settings_pages import press


def backed_up_twice(app, clock) -> None:
    admin = elevated(app, "admin")
    press(admin)
    clock.advance(days=1)
    admin = elevated(app, "admin")
    press(admin)


def restore(client, file: str, generation: str, force: str = ""):
    page = client.get(f"/settings/data-backup/restore?file={file}&generation={generation}")
    return client.post(
        "/settings/data-backup/restore",
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "file": file,
            "generation": generation,
            "force": force,
        },
    )


def test_an_unrecorded_copy_needs_a_second_confirmation(app, people, clock, instance_path):
    backed_up_twice(app, clock)
    (instance_path / "backup" / "backup.txt").unlink()
    admin = elevated(app, "admin")
    page = admin.get("/settings/data-backup").get_data(as_text=True)
    assert "unrecorded: no record in backup.txt, cannot be verified" in page

    confirm = admin.get("/settings/data-backup/restore?file=todo.db&generation=1")
    assert "This copy is unrecorded" in confirm.get_data(as_text=True)
    refused = restore(admin, "todo.db", "1")
    assert refused.status_code == 409
    second = refused.get_data(as_text=True)
    assert "This copy cannot be proven" in second and "Restore anyway" in second
    assert 'name="force" type="hidden" value="1"' in second
    assert not (instance_path / "backup" / "pre-restore").exists()  # nothing touched

    done = admin.post(
        "/settings/data-backup/restore",
        data={
            "csrf_token": csrf_token(second),
            "file": "todo.db",
            "generation": "1",
            "force": "1",
        },
    )
    assert done.status_code == 302
    message = admin.get(done.headers["Location"]).get_data(as_text=True)
    assert "Restored todo.db" in message and "could not be proven" in message


def test_a_changed_copy_is_refused_on_the_page_too(app, people, clock, instance_path):
    backed_up_twice(app, clock)
    copy = instance_path / "backup" / "1" / "todo.db"
    copy.write_bytes(copy.read_bytes()[:-1] + b"\x01")
    admin = elevated(app, "admin")
    refused = restore(admin, "todo.db", "1")
    assert refused.status_code == 409
    assert "does not match the SHA-256 recorded" in refused.get_data(as_text=True)


def test_safety_copies_are_listed_with_their_size(app, people, clock, instance_path):
    backed_up_twice(app, clock)
    admin = elevated(app, "admin")
    assert restore(admin, "todo.db", "0").status_code == 302
    assert restore(admin, "todo.db", "1").status_code == 302  # the same second
    page = admin.get("/settings/data-backup").get_data(as_text=True)
    kept = sorted(p.name for p in (instance_path / "backup" / "pre-restore").iterdir())
    assert kept == ["todo-20261128-090000-2.db", "todo-20261128-090000.db"]
    for name in kept:
        assert f"<code>{name}</code>" in page
    assert "Safety copies" in page


def test_a_missing_data_file_is_shown_not_a_500(app, people, clock, instance_path):
    backed_up_twice(app, clock)
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    for part in instance_path.glob("data/bulletin.db*"):
        part.unlink()
    home = alice.get("/")
    assert home.status_code == 200
    text = home.get_data(as_text=True)
    assert "<code>bulletin.db</code> is missing or damaged" in text
    assert "Today&#39;s schedule" in text or "Today's schedule" in text  # the rest still shows
    board = alice.get("/bulletin/")
    assert board.status_code == 503
    assert "bulletin.db" in board.get_data(as_text=True)
    assert not (instance_path / "data" / "bulletin.db").exists()  # never made empty

    admin = elevated(app, "admin")
    page = admin.get("/settings/data-backup").get_data(as_text=True)
    assert "bulletin.db is missing" in page
    assert "backup restore bulletin.db --generation 0" in page
    assert restore(admin, "bulletin.db", "0").status_code == 302
    assert alice.get("/bulletin/").status_code == 200


def test_a_missing_system_db_gives_a_page_that_says_so(app, people, instance_path):
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    close_kept_connections()  # lost while no connection holds it (Windows refuses else)
    for part in instance_path.glob("data/system.db*"):
        part.unlink()
    for url in ("/", "/login"):
        page = alice.get(url)
        assert page.status_code == 503
        assert "system.db" in page.get_data(as_text=True)


def test_the_member_portlet_shows_a_backup_problem(app, people, clock, afternoon_member):
    alice = afternoon_member(app)
    for part in Path(app.config["DATA_DIR"]).glob("todo.db*"):
        part.unlink()
    page = alice.get("/").get_data(as_text=True)
    assert "Data Backup has a problem: todo.db is missing" in page


def test_the_data_backup_page_shows_a_backup_folder_that_is_a_file(app, people, instance_path):
    backup = instance_path / "backup"
    for path in sorted(backup.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    backup.rmdir()
    backup.write_text("a file where the folder should be")
    admin = elevated(app, "admin")
    page = admin.get("/settings/data-backup")
    assert page.status_code == 200
    assert "is not a folder" in page.get_data(as_text=True)


def test_text_that_is_not_utf8_is_shown_with_replacement_characters(app, people):
    with app.app_context():
        conn = get_db("bulletin.db")
        conn.execute(
            "INSERT INTO posts (author_id, title, body, created_at) "
            "VALUES (?, CAST(X'4D656574696EFF67' AS TEXT), CAST(X'626F6479FE' AS TEXT), ?)",
            (people["alice"].id, "2026-11-27T08:00:00+00:00"),
        )
        post_id = conn.execute("SELECT max(id) FROM posts").fetchone()[0]
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    for url in ("/", "/bulletin/", f"/bulletin/{post_id}"):
        page = alice.get(url)
        assert page.status_code == 200, url
        assert "Meetin\ufffdg" in page.get_data(as_text=True), url


def test_a_data_file_that_is_not_a_database_is_never_made_again(app, people, instance_path):
    live = instance_path / "data" / "todo.db"
    for part in instance_path.glob("data/todo.db-*"):
        part.unlink()
    live.write_bytes(b"garbage" * 500)
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    assert alice.get("/todo/").status_code == 503
    # The file stays as found, for the administrator to look at or restore over.
    assert live.read_bytes() == b"garbage" * 500


def test_verify_on_the_page_names_a_damaged_line_and_the_unrecorded_copy(
    app, people, clock, instance_path
):
    backed_up_twice(app, clock)
    ledger = instance_path / "backup" / "backup.txt"
    lines = [
        line.replace("\t", "\t?", 1) if line.startswith("todo.db\tnewest\t") else line
        for line in ledger.read_text().splitlines()
    ]
    ledger.write_text("\n".join(lines) + "\n")
    admin = elevated(app, "admin")
    done = submit(admin, "/settings/data-backup", "/settings/data-backup/verify")
    text = admin.get(done.headers["Location"]).get_data(as_text=True)
    assert "1 problem found: backup.txt is damaged: line" in text
    assert "1 unrecorded copy could not be verified." in text
