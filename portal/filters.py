"""Jinja filters for showing times in the portal's zone and file sizes."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from portal.clock import get_clock


def local_datetime(moment: datetime | None) -> str:
    """A stored UTC time as the portal's local date and time, e.g. '27 Nov 2026 14:05'."""
    if moment is None:
        return ""
    return moment.astimezone(get_clock().zone).strftime("%d %b %Y %H:%M")


def local_time(moment: datetime | None) -> str:
    """A stored UTC time as the portal's local time of day, e.g. '14:05'."""
    if moment is None:
        return ""
    return moment.astimezone(get_clock().zone).strftime("%H:%M")


def filesize(size: int) -> str:
    """Bytes in a readable unit: '512 bytes', '1.5 MB'."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def count(number: int, word: str, plural: str | None = None) -> str:
    """A number with its noun: '1 file', '2 files', '1 copy', '3 copies' (give irregular
    plurals). Never 'file(s)'."""
    return f"{number} {word if number == 1 else plural or word + 's'}"


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_time)
    app.add_template_filter(filesize)
    app.add_template_filter(count)
