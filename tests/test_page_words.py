"""Issue 24, item 4: form details and words on the pages. Times are typed and shown in
24 hours everywhere (a browser's time field shows "06:00 PM" where the hint and the
command line say 18:00); every column of a table is named, the buttons' too (for screen
readers); the words say what they mean."""

from __future__ import annotations

import html
import re

import pytest

from portal.forms import TIME_PATTERN
from portal.web import data_backup_of
from tests.settings_helpers import elevated

TIME_FIELDS = {
    "/settings/schedule-backup": ("start", "end", "automatic_at"),
    "/scheduler/new": ("start_time", "end_time"),
}


def _page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", sorted(TIME_FIELDS))
def test_time_fields_are_24_hour_text(app, people, path):
    page = _page(elevated(app, "admin"), path)
    assert 'type="time"' not in page  # the browser's own field shows AM/PM by its locale
    for name in TIME_FIELDS[path]:
        (field,) = re.findall(rf'<input[^>]*\bname="{name}"[^>]*>', page)
        assert 'type="text"' in field and 'inputmode="numeric"' in field, field
        assert f'pattern="{TIME_PATTERN}"' in field, field
        assert 'placeholder="HH:MM"' in field, field


def test_a_time_that_is_not_one_is_said_and_kept(app, people):
    from tests.helpers import submit

    admin = elevated(app, "admin")
    answer = submit(
        admin,
        "/scheduler/new",
        data={"day": "2026-12-01", "start_time": "7pm", "end_time": "", "title": "Call"},
    )
    said = html.unescape(answer.get_data(as_text=True))
    assert answer.status_code == 400
    assert "Give the time as HH:MM in 24 hours, e.g. 09:30 or 18:00." in said
    assert 'value="7pm"' in said  # what was typed stays


def test_every_column_is_named(app, people, clock):
    with app.app_context():
        data_backup_of(app).run_backup(None, "admin")
        data_backup_of(app).restore("todo.db", 0, "admin")  # a safety copy
    admin = elevated(app, "admin")
    for path in ("/settings/data-backup", "/todo/", "/settings/history"):
        page = _page(admin, path)
        assert not re.findall(r"<th>\s*</th>", page), path
    page = _page(admin, "/settings/data-backup")
    assert "Before the restore of" not in page and "<th>Taken before the restore at</th>" in page


def test_the_words_say_what_they_mean(app, people):
    admin = elevated(app, "admin")
    with app.app_context():
        data_backup_of(app).run_backup(None, "admin")
    asked = " ".join(
        _page(admin, "/settings/data-backup/restore?file=todo.db&generation=0").split()
    )
    assert "since then is replaced" not in asked
    assert "Everything changed in to-do list items since then is lost" in asked


def test_one_way_to_write_a_date_and_time():
    """Issue 24, item 5: a date with a time is written for people one way, from
    portal/clock.py (DATETIME_FORMAT); no module writes its own. The formats of files
    (backup.txt, a manifest, a safety copy's name) are machines' and stay ISO."""
    from tests.serving import ROOT

    file_formats = {"backup/ledger.py", "offsite/manifest.py", "backup/safety.py"}
    own = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in (ROOT / "portal").rglob("*.py")
        if path.name != "clock.py" and str(path.relative_to(ROOT / "portal")) not in file_formats
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"%[dY][^\"'}]*%H", line)  # a date and a time in one format
    ]
    assert own == [], own


def test_a_missing_backup_txt_is_said_on_the_page_as_on_the_command_line(
    app, people, instance_path
):
    """Issue 24, item 6: a missing backup.txt was a note of `backup verify` and nothing on
    the Data Backup page; both say it, in one wording."""
    from tests.serving import run_flask

    with app.app_context():
        data_backup_of(app).run_backup(None, "admin")
    (instance_path / "backup" / "backup.txt").unlink()
    note = "backup.txt is missing: every copy is unrecorded until it leaves the rotation"
    page = html.unescape(_page(elevated(app, "admin"), "/settings/data-backup"))
    assert note in page
    assert f"Note: {note}" in run_flask(instance_path, "backup", "verify").stdout


def test_the_portlet_says_the_off_site_copy_once(app, people, tmp_path):
    """Issue 24, item 4: "the last one 06 Dec 2026 03:06 (the copy of 2026-12-06)" said
    the day twice; the day is said only when it is not the day the copy was sent."""
    from tests.offsite_helpers import use_share

    use_share(app, tmp_path / "nas")
    with app.app_context():
        data_backup_of(app).run_backup(None, "admin")
    page = " ".join(html.unescape(_page(elevated(app, "admin"), "/")).split())
    assert "Off-site copy: last sent 27 Nov 2026 09:00" in page
    assert "(the copy of" not in page and "(the backup of" not in page
