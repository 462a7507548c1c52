"""Issue 20, item 8: no "all good" over nothing. Verify over zero copies, or over copies
that are all unrecorded, says what was (not) checked, on the page and the command line;
a copy taken after the last verify is never shown as verified by it."""

from __future__ import annotations

import html

from portal.web import data_backup_of
from tests.helpers import csrf_token
from tests.settings_helpers import elevated


def _page(client) -> str:
    return html.unescape(client.get("/settings/data-backup").get_data(as_text=True))


def _verify(client) -> None:
    token = csrf_token(client.get("/settings/data-backup").get_data(as_text=True))
    client.post("/settings/data-backup/verify", data={"csrf_token": token})


def test_verify_over_no_copy_says_nothing_was_checked(app, people):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "verify"])
    assert "No recorded copy to verify: nothing was checked." in result.output
    assert "verified" not in result.output.replace("to verify", "")
    admin = elevated(app, "admin")
    _verify(admin)
    page = _page(admin)
    assert "no recorded copy, nothing was checked" in page
    assert "all good" not in page


def test_verify_over_only_unrecorded_copies_is_not_all_good(app, people, instance_path):
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    (instance_path / "backup" / "backup.txt").unlink()
    result = app.test_cli_runner().invoke(args=["backup", "verify"])
    assert "No recorded copy to verify: nothing was checked. 4 unrecorded copies" in (result.output)
    admin = elevated(app, "admin")
    _verify(admin)
    page = _page(admin)
    assert "no recorded copy, nothing was checked; 4 unrecorded copies could not be verified" in (
        page
    )
    assert "all good" not in page


def test_a_copy_taken_after_the_last_verify_is_not_called_verified_by_it(app, people, clock):
    with app.app_context():
        data_backup_of(app).run_backup(None, "alice")
    admin = elevated(app, "admin")
    _verify(admin)
    page = _page(admin)
    assert "4 recorded copies good" in page
    verified_at = page.count(">verified 27 Nov 2026")
    assert verified_at == 4
    clock.advance(hours=2)
    with app.app_context():
        data_backup_of(app).run_backup(["todo.db"], "alice")
    page = _page(elevated(app, "admin"))  # the elevation has run out meanwhile
    # todo.db's new copy was taken after the verify: "verified when taken", not before it.
    assert page.count(">verified when taken") == 1
    # The 3 others still are; todo.db's copy was replaced (a same-day backup overwrites).
    assert page.count(">verified 27 Nov 2026") == 3
