"""Which dated off-site folders are kept: the newest few days, the newest day of each of
the last few weeks and of each of the last few months (a year with the defaults). No I/O.

Each rule walks the days newest first and keeps the newest day of each period it meets,
until it has kept its count; a day kept by several rules counts once. Run daily, that
keeps the last 7 days, the last day of each of the 3 weeks before this one and of each
of the 11 months before this one (this week's and this month's newest is today)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Keep:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def _week(day: date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month


def _newest_per_period(days: list[date], period: Callable[[date], object], count: int):
    seen: list[object] = []
    for day in days:  # newest first
        if len(seen) == count:
            return
        if period(day) not in seen:
            seen.append(period(day))
            yield day


def kept(days: Iterable[date], keep: Keep) -> set[date]:
    """The days among `days` (complete dated folders) that the rule keeps."""
    newest_first = sorted(set(days), reverse=True)
    chosen = set(newest_first[: max(keep.daily, 0)])
    chosen.update(_newest_per_period(newest_first, _week, max(keep.weekly, 0)))
    chosen.update(_newest_per_period(newest_first, _month, max(keep.monthly, 0)))
    return chosen
