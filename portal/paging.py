"""Keyset paging for lists shown newest first: the Bulletin Board and the Backup history.

A page is read from an index in its order, starting after a key of the last row shown
(its stored timestamp and id), never with OFFSET: SQLite would read and skip every row
before a deep page (issue 15). The links carry the key: `?before=KEY` for older rows,
`?after=KEY` for newer ones, so paging works without JavaScript."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

Row = TypeVar("Row")

# A stored timestamp (clock.to_db) and a row id: "2026-11-27T14:03:00.000000Z_42".
_KEY = re.compile(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)_(\d{1,18})")
# Above every stored key: the first page reads "older than this".
NEWEST = ("9999-12-31T23:59:59.999999Z", 0)

Key = tuple[str, int]


def key_text(key: Key) -> str:
    """A key as it goes into a link."""
    return f"{key[0]}_{key[1]}"


def parse_key(text: str | None) -> Key | None:
    """A key from a link, or None for anything else (then the newest page is shown)."""
    found = _KEY.fullmatch(text or "")
    return (found[1], int(found[2])) if found else None


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: Sequence[Row]
    older: str | None  # the `before` of the next older page, if there is one
    newer: str | None  # the `after` of the next newer page, if this is not the newest
    continued: bool  # not the newest page (asked for with a key)


def newest_first(
    read_older: Callable[[Key, int], Sequence[Row]],
    read_newer: Callable[[Key, int], Sequence[Row]],
    key_of: Callable[[Row], Key],
    size: int,
    before: str | None = None,
    after: str | None = None,
) -> Page[Row]:
    """One page of a newest-first list.

    read_older(key, limit) gives rows older than key, newest first; read_newer(key,
    limit) rows newer than key, oldest first. Each reads one more row than it shows, to
    know whether another page follows."""
    newer_than = parse_key(after)
    if newer_than is not None:
        rows = list(read_newer(newer_than, size + 1))
        if len(rows) > size:  # still not the newest page
            shown = rows[:size][::-1]
            return Page(shown, key_text(key_of(shown[-1])), key_text(key_of(shown[0])), True)
        # Fewer than a page is newer: that is the newest page, shown whole.
    older_than = parse_key(before) if newer_than is None else None
    rows = list(read_older(older_than or NEWEST, size + 1))
    shown = rows[:size]
    older = key_text(key_of(shown[-1])) if len(rows) > size else None
    if older_than is None:
        return Page(shown, older, None, False)
    # An empty older page (its rows were deleted meanwhile) links to the newest.
    newer = key_text(key_of(shown[0])) if shown else None
    return Page(shown, older, newer, True)
