"""Issue 12: stored settings have one format, JSON through settings_store; the values
an older portal wrote ("on 12:00 18:00", "on 00:00") are converted by a migration of
system.db, so an upgrade, or a restore of an older copy, keeps them."""

from __future__ import annotations

import json
from datetime import time

from portal import db as portal_db
from portal import web
from portal.datafiles import DataFile, data_file
from portal.nightly import store as nightly
from portal.reminder import store as reminder
from portal.settings_store import get_value


def old_system_db(path, reminder_value: str, automatic_value: str) -> None:
    spec = data_file("system.db")
    conn = portal_db.connect(path, create=True)
    portal_db.migrate(conn, DataFile(spec.name, spec.description, spec.migrations[:5]))
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('backup_reminder', ?)", (reminder_value,)
    )
    conn.execute(
        "INSERT INTO settings (key, value) VALUES ('backup_automatic', ?)", (automatic_value,)
    )
    conn.commit()
    conn.close()


def test_old_values_are_converted_to_json(tmp_path):
    path = tmp_path / "system.db"
    old_system_db(path, "on 13:30 17:45", "on 01:15")
    conn = portal_db.connect(path)
    portal_db.migrate(conn, data_file("system.db"))
    assert json.loads(get_value(conn, "backup_reminder")) == {
        "enabled": True,
        "start": "13:30",
        "end": "17:45",
    }
    assert json.loads(get_value(conn, "backup_automatic")) == {"enabled": True, "at": "01:15"}
    assert reminder.get_settings(conn) == reminder.ReminderSettings(
        True, time(13, 30), time(17, 45)
    )
    assert nightly.get_setting(conn) == nightly.AutomaticSetting(True, time(1, 15))
    conn.close()


def test_off_values_stay_off(tmp_path):
    path = tmp_path / "system.db"
    old_system_db(path, "off 12:00 18:00", "off 00:00")
    conn = portal_db.connect(path)
    portal_db.migrate(conn, data_file("system.db"))
    assert reminder.get_settings(conn) == reminder.ReminderSettings(False, time(12), time(18))
    assert nightly.get_setting(conn) == nightly.AutomaticSetting(False, time(0))
    conn.close()


def test_what_is_saved_is_json_and_reads_back(app):
    with app.app_context():
        conn = web.get_db("system.db")
        reminder.save_settings(conn, reminder.ReminderSettings(True, time(12, 15), time(16)))
        nightly.save_setting(conn, nightly.AutomaticSetting(True, time(2, 30)))
        assert json.loads(get_value(conn, "backup_reminder"))["start"] == "12:15"
        assert json.loads(get_value(conn, "backup_automatic")) == {"enabled": True, "at": "02:30"}
        assert reminder.get_settings(conn).end == time(16)
        assert nightly.get_setting(conn).at == time(2, 30)


def test_an_unreadable_value_falls_back_to_the_defaults(app):
    with app.app_context():
        conn = web.get_db("system.db")
        conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('backup_reminder', '{')")
        conn.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('backup_automatic', '[1]')"
        )
        conn.commit()
        assert reminder.get_settings(conn) == reminder.ReminderSettings()
        assert nightly.get_setting(conn) == nightly.AutomaticSetting()


def test_every_setting_is_declared_in_one_place(app):
    """Issue 22: the settings' keys were defined in seven modules. They are declared in
    portal/settings_store.py, and a key that is not declared there is refused, so every
    setting the tests read or write is one of them."""
    import pytest

    from portal import settings_store
    from portal.settings_store import put_json
    from portal.web import get_db

    with app.app_context(), pytest.raises(KeyError, match="not a setting declared"):
        put_json(get_db("system.db"), "made_up_here", {})
    assert settings_store.REMINDER in settings_store.KEYS
