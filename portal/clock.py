"""The portal's one clock and time zone. Every rule about time reads the instance's clock
(`instance.clock.now()`, or `web.now()` in a request), built once from the CLOCK and
TIMEZONE settings, so tests inject a clock (config CLOCK) and check the edges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from portal.setting_error import SettingError


def system_clock() -> datetime:
    """The real time, as an aware UTC datetime."""
    return datetime.now(UTC)


class Clock:
    """A source of aware datetimes in the portal's time zone."""

    def __init__(self, source: Callable[[], datetime], zone: tzinfo):
        self.source = source
        self.zone = zone

    def now(self) -> datetime:
        """The current local time in the portal's zone."""
        value = self.source()
        if value.tzinfo is None:
            raise ValueError("CLOCK must return an aware datetime")
        return value.astimezone(self.zone)

    def today(self) -> date:
        """Today's calendar date in the portal's zone."""
        return self.now().date()


def resolve_zone(name: str) -> tzinfo:
    """The zone named by the TIMEZONE setting, or the server's own zone when empty."""
    if not name:
        import tzlocal

        return tzlocal.get_localzone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SettingError(
            f"TIMEZONE={name!r} is not a known time zone; use a name like 'Europe/Berlin'"
        ) from exc


def from_settings(config) -> Clock:
    """The clock the settings name: CLOCK (the real one unless a test injects one) in the
    TIMEZONE's zone. Built once, by create_app, for the instance."""
    return Clock(config["CLOCK"], resolve_zone(config["TIMEZONE"]))


# The one way a date and time is written, on every page, in every message and by every
# command (the templates' `local_datetime` filter uses it too).
DATETIME_FORMAT = "%d %b %Y %H:%M"


def format_datetime(moment: datetime, zone: tzinfo) -> str:
    """A time in the portal's zone, written the portal's way: '27 Nov 2026 14:05'."""
    return moment.astimezone(zone).strftime(DATETIME_FORMAT)


def written(moment: datetime) -> str:
    """A time written the portal's way in the zone it carries (a copy's time stamp, read
    in the portal's zone): '27 Nov 2026 14:05'."""
    return moment.strftime(DATETIME_FORMAT)


def to_db(moment: datetime) -> str:
    """A timestamp as stored in the data files: UTC, ISO 8601, sortable as text."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(text: str) -> datetime:
    """A stored timestamp back as an aware UTC datetime."""
    return datetime.fromisoformat(text)
