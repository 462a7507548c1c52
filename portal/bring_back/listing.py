"""One page of an opened copy's items against the live data (issue 23, item 2): filtered
by kind of difference, by person and by words in the title, newest first, paged by a key
like the other long lists ("Show more"), with the counts of the whole copy.

What differs is found by SQLite in one pass: the copy, opened read-only, with the live
file attached read-only beside it, joined by id (an item is the same item when its id and
creation time are). Only the page shown is read whole and compared field by field
(differences.py); 10,000 items cost one join, not 10,000 Python comparisons."""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from portal.bring_back.differences import CHANGED, DELETED, SHOW, UNCHANGED, Item, compared
from portal.bring_back.kinds import Kind

LIVE = "live"  # the schema name of the live file, attached to the copy's connection


@dataclass(frozen=True)
class Filters:
    """What the page shows: the states `show` names (differences.SHOW), the items of
    `owners` (None: everyone's), with `words` in the title (case-folded), after the key
    `after`, `size` at a time."""

    show: str = "differences"
    owners: frozenset[int] | None = None
    words: str = ""
    after: tuple[str, int] | None = None
    size: int = 50


@dataclass(frozen=True)
class Page:
    items: list[Item]
    counts: dict[str, int]  # of the whole copy: deleted since, changed since, unchanged
    more: str | None  # the key of the next page, or None on the last


def attach_live(copy: sqlite3.Connection, live_path: Path, busy_timeout_ms: int) -> None:
    """Attach the live data file to the copy's connection, read-only (a URI: the copy's
    connection opens URIs), to compare them in SQL."""
    copy.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    copy.execute(f"ATTACH DATABASE ? AS {LIVE}", (f"{live_path.resolve().as_uri()}?mode=ro",))


def _differs(kind: Kind, copy: str = "c", live: str = "l") -> str:
    """SQL: the copy's row `copy` differs from the live row `live` with its id (one of
    its fields; a post's replies too)."""
    fields = " OR ".join(f"{copy}.{f} IS NOT {live}.{f}" for f in kind.fields)
    if kind.children is None:
        return f"({fields})"
    child = kind.children
    child_fields = " OR ".join(f"cr.{f} IS NOT lr.{f}" for f in child.fields)
    # The names are kinds.py's own, never input.
    return (
        f"({fields}"  # noqa: S608  # nosec B608
        f" OR EXISTS (SELECT 1 FROM main.{child.table} cr"
        f" LEFT JOIN {LIVE}.{child.table} lr ON lr.id = cr.id"
        f" WHERE cr.{child.parent} = {copy}.id AND (lr.id IS NULL OR {child_fields}))"
        f" OR (SELECT count(*) FROM main.{child.table} WHERE {child.parent} = {copy}.id)"
        f" != (SELECT count(*) FROM {LIVE}.{child.table} WHERE {child.parent} = {copy}.id))"
    )


def _differing(both: sqlite3.Connection, kind: Kind) -> list[tuple]:
    """Every item of the copy that is deleted or changed since: (created_at, id, owner,
    title, state), from one join (the names are kinds.py's own, never input)."""
    query = (
        f"SELECT c.created_at, c.id, c.{kind.owner}, c.{kind.title},"  # noqa: S608  # nosec B608
        f" CASE WHEN l.id IS NULL OR l.created_at IS NOT c.created_at"
        f" THEN '{DELETED}' ELSE '{CHANGED}' END"
        f" FROM main.{kind.table} c LEFT JOIN {LIVE}.{kind.table} l ON l.id = c.id"
        f" WHERE l.id IS NULL OR l.created_at IS NOT c.created_at OR {_differs(kind)}"
    )
    return both.execute(query).fetchall()


def parse_key(text: str | None) -> tuple[str, int] | None:
    """A page key ("<created_at>|<id>") from a URL, or None for one that is not."""
    created, bar, row_id = (text or "").rpartition("|")
    if not bar or not row_id.isascii() or not row_id.isdigit() or len(row_id) > 18:
        return None
    return created[:40], int(row_id)


# What differs, kept per live connection while neither side has changed: the join over
# 10,000 items is most of an Open, and Show more, the filters and the confirmation read
# the same copy against the same live data. The copy is the private file of its proof
# (a new proof, a new file); the live data is unchanged while the live connection's
# data_version (others' commits) and total_changes (its own) are. The pages' live
# connection is the thread's kept one (portal/db.py), so the entry is per thread; each
# entry holds its connection, so its id is never another's while the entry lives.
_kept: OrderedDict[int, tuple[sqlite3.Connection, tuple, int, list]] = OrderedDict()
_kept_lock = threading.Lock()
KEPT = 32


def differing(
    copy: sqlite3.Connection, live: sqlite3.Connection, kind: Kind, attach: Callable[[], None]
) -> tuple[int, list[tuple]]:
    """How many items the copy holds, and those deleted or changed since (_differing),
    from the join, or as kept while neither side has changed; `attach` attaches the live
    file to `copy` when the join must run."""
    copy_file = copy.execute("PRAGMA database_list").fetchone()[2]
    (version,) = live.execute("PRAGMA data_version").fetchone()
    key = (copy_file, kind.table, version, live.total_changes)
    with _kept_lock:
        kept = _kept.get(id(live))
        if kept is not None and kept[0] is live and kept[1] == key:
            _kept.move_to_end(id(live))
            return kept[2], kept[3]
    attach()
    (total,) = copy.execute(f"SELECT count(*) FROM main.{kind.table}").fetchone()  # noqa: S608  # nosec B608
    rows = _differing(copy, kind)
    with _kept_lock:  # the key read before the join: a commit meanwhile makes it stale
        _kept[id(live)] = (live, key, total, rows)
        _kept.move_to_end(id(live))
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return total, rows


def page(
    both: sqlite3.Connection,
    live: sqlite3.Connection,
    kind: Kind,
    filters: Filters,
    attach: Callable[[], None] = lambda: None,
) -> Page:
    """The page of the copy's items that `filters` choose, with the whole copy's counts;
    `both` is the copy's connection (the live file attached to it by `attach`, when what
    differs must be found again), `live` the live file's."""
    states = SHOW.get(filters.show, SHOW["differences"])
    owners, words, after, size = filters.owners, filters.words, filters.after, filters.size
    total, found = differing(both, live, kind, attach)
    counts = {state: sum(row[4] == state for row in found) for state in (DELETED, CHANGED)}
    counts[UNCHANGED] = total - counts[DELETED] - counts[CHANGED]
    if UNCHANGED in states:  # every item: read in order from the copy, a page at a time
        keys = _in_order(both, kind, owners, words, after, size + 1)
    else:
        keys = sorted(
            (
                (row[0], row[1])
                for row in found
                if row[4] in states
                and (owners is None or row[2] in owners)
                and (not words or words in str(row[3]).casefold())
                and (after is None or (row[0], row[1]) < after)
            ),
            reverse=True,
        )[: size + 1]
    ids = [row_id for _created, row_id in keys[:size]]
    items = compared(both, live, kind, ids)
    more = f"{keys[size - 1][0]}|{keys[size - 1][1]}" if len(keys) > size else None
    return Page(items, counts, more)


def _in_order(
    both: sqlite3.Connection,
    kind: Kind,
    owners: frozenset[int] | None,
    words: str,
    after: tuple[str, int] | None,
    limit: int,
) -> list[tuple]:
    where, values = ["1"], []
    if owners is not None:
        where.append(f"{kind.owner} IN ({', '.join('?' * len(owners))})")
        values += sorted(owners)
    if words:
        both.create_function("casefold", 1, lambda t: str(t).casefold(), deterministic=True)
        where.append(f"instr(casefold({kind.title}), ?) > 0")
        values.append(words)
    if after is not None:
        where.append("(created_at, id) < (?, ?)")
        values += list(after)
    query = (
        f"SELECT created_at, id FROM main.{kind.table} WHERE {' AND '.join(where)}"  # noqa: S608  # nosec B608
        " ORDER BY created_at DESC, id DESC LIMIT ?"
    )
    return both.execute(query, [*values, limit]).fetchall()
