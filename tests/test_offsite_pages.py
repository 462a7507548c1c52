"""Issue 13 on the pages: the off-site folder on Data Backup (Save, Test), the off-site
days with Restore behind the confirmation screen, and the mail settings on Schedule Data
Backup (Save, Send test email), for an elevated administrator. Bad input keeps what was
typed and says what is wrong; the mail password is never shown back."""

from __future__ import annotations

import html

from portal.notify import settings as notify_settings
from portal.web import data_backup_of, get_db, instance_of
from tests.helpers import csrf_token
from tests.notify_helpers import free_port, smtp_server
from tests.offsite_helpers import use_share
from tests.settings_helpers import elevated


def _post(client, page: str, action: str, data: dict):
    token = csrf_token(client.get(page).get_data(as_text=True))
    return client.post(action, data={"csrf_token": token, **data})


def _offsite(client, data: dict):
    """The Off-site copy form of the Data Backup page, sent with `data`."""
    return _post(client, "/settings/data-backup", "/settings/data-backup/offsite", data)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_test_and_save_the_off_site_folder(app, people, tmp_path):
    admin = elevated(app, "admin")
    share = tmp_path / "nas"
    share.mkdir()
    tested = _offsite(
        admin,
        {"folder": str(share), "test": "Test"},
    )
    assert tested.status_code == 200
    page = _text(tested)
    assert f"The off-site folder {share} works" in page
    assert f'value="{share}"' in page  # still typed, not yet saved
    assert list(share.iterdir()) == []  # the probe is gone
    saved = _offsite(
        admin,
        {"folder": str(share), "save": "Save"},
    )
    assert saved.status_code == 302
    page = _text(admin.get("/settings/data-backup"))
    assert f"After every backup the newest copies go to {share}" in page
    assert "No off-site copies yet" in page


def test_bad_off_site_folders_are_named_and_the_typed_text_kept(app, people, tmp_path):
    admin = elevated(app, "admin")
    relative = _offsite(
        admin,
        {"folder": "backups/portal", "save": "Save"},
    )
    assert relative.status_code == 400
    assert "Give the whole path" in _text(relative)
    assert 'value="backups/portal"' in _text(relative)
    away = tmp_path / "not-mounted"
    missing = _offsite(
        admin,
        {"folder": str(away), "test": "Test"},
    )
    assert missing.status_code == 400
    assert "does not exist or cannot be reached" in _text(missing)
    assert not away.exists()


def test_the_off_site_days_are_listed_and_one_file_restored_after_confirmation(
    app, people, tmp_path, clock
):
    use_share(app, tmp_path / "nas")
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    admin = elevated(app, "admin")
    page = _text(admin.get("/settings/data-backup"))
    assert "2026-11-27" in page and "Restore todo.db from the off-site copy of 2026-11-27" in page
    confirm = admin.get("/settings/data-backup/restore?file=todo.db&offsite=2026-11-27")
    assert confirm.status_code == 200
    text = _text(confirm)
    assert "the off-site copy of 2026-11-27" in text and "will be" in text
    done = _post(
        admin,
        "/settings/data-backup/restore?file=todo.db&offsite=2026-11-27",
        "/settings/data-backup/restore",
        {"file": "todo.db", "generation": "0", "offsite": "2026-11-27"},
    )
    assert done.status_code == 302
    assert "Restored todo.db from the off-site copy of 2026-11-27" in _text(
        admin.get("/settings/data-backup")
    )
    for bad in ("2026-13-01", "../../etc", "2026-11-26"):
        assert (
            admin.get(f"/settings/data-backup/restore?file=todo.db&offsite={bad}").status_code
            == 404
        )


def test_mail_settings_saved_tested_and_the_password_never_shown(app, people):
    admin = elevated(app, "admin")
    with smtp_server() as (inbox, port):
        form = {
            "server": "127.0.0.1",
            "port": str(port),
            "security": "none",
            "username": "",
            "password": "s3cret-mail-pass",
            "sender": "portal@office.example",
            "recipients": "it@office.example",
            "webhook_url": "",
        }
        tested = _post(
            admin,
            "/settings/schedule-backup",
            "/settings/schedule-backup/mail",
            {**form, "send_test": "Send test email"},
        )
        assert tested.status_code == 200
        assert "A test email was sent to it@office.example" in _text(tested)
        assert inbox.subjects() == ["[Office Portal] Test notice"]
        saved = _post(
            admin,
            "/settings/schedule-backup",
            "/settings/schedule-backup/mail",
            {**form, "save": "Save"},
        )
        assert saved.status_code == 302
    page = _text(admin.get("/settings/schedule-backup"))
    assert 'value="it@office.example"' in page and "s3cret-mail-pass" not in page
    with app.app_context():
        stored = notify_settings.load(get_db("system.db"), app)
    assert stored.password == "s3cret-mail-pass" and stored.port == port
    # Saving again with the password field empty keeps the password.
    _post(
        admin,
        "/settings/schedule-backup",
        "/settings/schedule-backup/mail",
        {**form, "password": "", "save": "Save"},
    )
    with app.app_context():
        assert notify_settings.load(get_db("system.db"), app).password == "s3cret-mail-pass"


def test_bad_mail_settings_say_what_is_wrong_and_keep_the_typed_text(app, people):
    admin = elevated(app, "admin")
    bad = _post(
        admin,
        "/settings/schedule-backup",
        "/settings/schedule-backup/mail",
        {
            "server": "mail.office.example",
            "port": "99999",
            "security": "tls",
            "recipients": "it@office, boss@office.example",
            "webhook_url": "ftp://x",
            "save": "Save",
        },
    )
    assert bad.status_code == 400
    page = _text(bad)
    assert "A port is a number from 1 to 65535." in page
    assert "Not an address: it@office." in page
    assert "A webhook URL starts with http:// or https://." in page
    assert 'value="it@office, boss@office.example"' in page
    dead = _post(
        admin,
        "/settings/schedule-backup",
        "/settings/schedule-backup/mail",
        {
            "server": "127.0.0.1",
            "port": str(free_port()),
            "security": "none",
            "recipients": "it@office.example",
            "send_test": "Send test email",
        },
    )
    assert dead.status_code == 400
    assert "The test was not sent: mail to it@office.example via 127.0.0.1" in _text(dead)


def test_the_pages_need_the_admin_password(app, people):
    from tests.helpers import PASSWORD, login

    client = app.test_client()
    login(client, "alice", PASSWORD)
    prompt = client.get("/settings/data-backup")
    assert prompt.status_code == 302  # to the prompt
    # A valid CSRF token (the guard under test is the admin password, not CSRF's).
    token = csrf_token(client.get("/").get_data(as_text=True))
    refused = client.post(
        "/settings/data-backup/offsite",
        data={"folder": "/tmp", "save": "Save", "csrf_token": token},
    )
    assert refused.status_code == 302
    assert refused.headers["Location"].split("?")[0] == prompt.headers["Location"].split("?")[0]
    with app.app_context():
        from portal.data_backup import offsite_folder

        assert offsite_folder.configured_dir(get_db("system.db"), instance_of(app)) == ""


def test_the_administrators_portal_page_shows_the_off_site_state(app, people, tmp_path):
    from tests.helpers import ADMIN_PASSWORD, PASSWORD, login

    app.config["OFFSITE_DIR"] = str(tmp_path / "nas-away")
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    admin = app.test_client()
    login(admin, "admin", ADMIN_PASSWORD)
    page = _text(admin.get("/"))
    assert "Off-site copy" in page and "The off-site copy has failed since" in page
    assert "does not exist or cannot be reached" in page
    alice = app.test_client()
    login(alice, "alice", PASSWORD)
    assert "Off-site copy" not in _text(alice.get("/"))


def test_save_and_test_refuse_system_folders_the_instance_and_someone_elses(app, people, tmp_path):
    """Issue 20, item 3: each refused with its reason, the typed text kept, nothing saved,
    nothing written; the command line says the same."""
    admin = elevated(app, "admin")
    runner = app.test_cli_runner()
    instance = app.instance_path
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "minutes.docx").write_text("the office's own")
    cases = [
        ("/", "is the root of the file system"),
        ("/etc", "is a system folder"),
        ("/proc", "is a system folder"),
        (instance, "is the portal's instance folder"),
        (f"{instance}/offsite", "is inside the portal's instance folder"),
        (str(tmp_path), "holds the portal's instance folder"),
        (str(theirs), "is not empty (minutes.docx) and is not this portal's"),
    ]
    for folder, why in cases:
        for button in ("save", "test"):
            answer = _offsite(admin, {"folder": folder, button: button.title()})
            assert answer.status_code == 400, (folder, button)
            page = _text(answer)
            assert why in page, (folder, button)
            assert f'value="{folder}"' in page
        refused = runner.invoke(args=["backup", "offsite", "set", folder])
        assert refused.exit_code == 1 and f"Error: The off-site folder {folder}" in refused.output
        assert why in refused.output
    assert sorted(p.name for p in theirs.iterdir()) == ["minutes.docx"]
    with app.app_context():
        from portal.data_backup import offsite_folder

        assert offsite_folder.configured_dir(get_db("system.db"), instance_of(app)) == ""
    share = tmp_path / "nas"
    share.mkdir()
    done = runner.invoke(args=["backup", "offsite", "set", str(share)])
    assert done.exit_code == 0, done.output
    assert done.output == f"Off-site folder set: {share} (marked as this portal's).\n"
    assert (share / "office-portal-offsite.txt").is_file()
