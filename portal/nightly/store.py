"""The automatic backup's setting and its record of each day in system.db."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import time

from portal.settings_store import get_value, put_value

SETTING_KEY = "backup_automatic"  # "off" or "on HH:MM"
SUGGESTED_TIME = time(0, 0)


@dataclass(frozen=True)
class AutomaticSetting:
    enabled: bool = False
    at: time = SUGGESTED_TIME


def get_setting(conn: sqlite3.Connection) -> AutomaticSetting:
    """Whether the automatic backup is on, and at what time (default: off, 00:00)."""
    try:
        switch, at = (get_value(conn, SETTING_KEY) or "").split()
        return AutomaticSetting(switch == "on", time.fromisoformat(at))
    except ValueError:
        return AutomaticSetting()


def save_setting(conn: sqlite3.Connection, setting: AutomaticSetting) -> None:
    """Store the automatic backup's switch and time."""
    put_value(conn, SETTING_KEY, f"{'on' if setting.enabled else 'off'} {setting.at:%H:%M}")
