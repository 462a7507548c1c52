"""When the automatic backup is due, with no I/O: on, past today's set time, and not
yet run today. A portal that was down at the set time catches up when it next runs that
day (the grace period is the rest of the day); a failed run is not repeated (the
afternoon reminder takes over)."""

from __future__ import annotations

from datetime import datetime

from portal.data_backup.records import AutomaticRun
from portal.nightly.store import AutomaticSetting


def is_due(setting: AutomaticSetting, today_run: AutomaticRun | None, now: datetime) -> bool:
    """Whether the automatic backup should run now (`now` in the portal's zone)."""
    return setting.enabled and today_run is None and now.time().replace(tzinfo=None) >= setting.at
