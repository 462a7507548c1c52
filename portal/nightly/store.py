"""The automatic backup's setting and its record of each day in system.db."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, time

from portal import settings_store
from portal.settings_store import get_json, put_json

SETTING_KEY = settings_store.AUTOMATIC_BACKUP  # {"enabled": false, "at": "00:00"}
SUGGESTED_TIME = time(0, 0)


@dataclass(frozen=True)
class AutomaticSetting:
    enabled: bool = False
    at: time = SUGGESTED_TIME
    # When it was switched on at this time: a day before that was never missed. Not part
    # of the setting's value (two settings with the same switch and time are equal).
    since: datetime | None = field(default=None, compare=False)


def get_setting(conn: sqlite3.Connection) -> AutomaticSetting:
    """Whether the automatic backup is on, and at what time (default: off, 00:00)."""
    stored = get_json(conn, SETTING_KEY)
    try:
        setting = AutomaticSetting(stored["enabled"] is True, time.fromisoformat(stored["at"]))
    except (KeyError, TypeError, ValueError):
        return AutomaticSetting()
    try:
        since = datetime.fromisoformat(stored["since"])
    except (KeyError, TypeError, ValueError):
        return setting
    return AutomaticSetting(setting.enabled, setting.at, since)


def save_setting(
    conn: sqlite3.Connection, setting: AutomaticSetting, now: datetime | None = None
) -> None:
    """Store the automatic backup's switch and time (and since when it is on at this time:
    switching it on or changing its time starts that moment again)."""
    current = get_setting(conn)
    same_rule = current.enabled and current.at == setting.at
    value = {"enabled": setting.enabled, "at": f"{setting.at:%H:%M}"}
    value |= settings_store.on_since(
        get_json(conn, SETTING_KEY), "since", on=setting.enabled, same_rule=same_rule, now=now
    )
    put_json(conn, SETTING_KEY, value)
