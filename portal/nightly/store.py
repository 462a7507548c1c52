"""The automatic backup's setting and its record of each day in system.db."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import time

from portal.settings_store import get_json, put_json

SETTING_KEY = "backup_automatic"  # {"enabled": false, "at": "00:00"}
SUGGESTED_TIME = time(0, 0)


@dataclass(frozen=True)
class AutomaticSetting:
    enabled: bool = False
    at: time = SUGGESTED_TIME


def get_setting(conn: sqlite3.Connection) -> AutomaticSetting:
    """Whether the automatic backup is on, and at what time (default: off, 00:00)."""
    stored = get_json(conn, SETTING_KEY)
    try:
        return AutomaticSetting(stored["enabled"] is True, time.fromisoformat(stored["at"]))
    except (KeyError, TypeError, ValueError):
        return AutomaticSetting()


def save_setting(conn: sqlite3.Connection, setting: AutomaticSetting) -> None:
    """Store the automatic backup's switch and time."""
    put_json(conn, SETTING_KEY, {"enabled": setting.enabled, "at": f"{setting.at:%H:%M}"})
