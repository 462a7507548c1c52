"""The backup folder as it stands: backup.txt matched with the copies on disk, what a
run says about it, and how it changes when a new copy goes in (records travel with
their copies, so a copy whose file time was touched keeps its record)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, tzinfo

from portal.backup import ledger as ledger_mod
from portal.backup import on_disk
from portal.backup.layout import Layout, generation_rank
from portal.backup.ledger import Copy, Entry, Ledger, OnDisk


@dataclass(frozen=True)
class State:
    """The ledger, every copy on disk with its record, and the records whose copy is
    not where they say."""

    ledger: Ledger
    copies: list[Copy]
    unmatched: list[Entry]

    def copy_at(self, name: str, generation: int) -> Copy | None:
        """The copy of data file `name` at `generation`, if there is one."""
        return next(
            (c for c in self.copies if c.disk.name == name and c.disk.generation == generation),
            None,
        )

    def latest_days(self, ignore: frozenset[date] = frozenset()) -> dict[str, date]:
        """Per data file, the latest day on which a copy was taken (days in `ignore`, a
        clock's mistakes, left out)."""
        return ledger_mod.latest_days(self.ledger, self.copies, ignore)

    def entries(self) -> list[Entry]:
        """The ledger lines for the copies as they stand."""
        return ledger_mod.entries_for(self.copies)


def read(layout: Layout, names: list[str], zone: tzinfo) -> State:
    """The ledger matched with the copies of `names` (and of any file it lists) on disk."""
    ledger = ledger_mod.read(layout.ledger)
    names = sorted(set(names) | {e.name for e in ledger.entries})
    copies, unmatched = on_disk.match(ledger.entries, on_disk.scan(layout, names, zone))
    return State(ledger, copies, unmatched)


def render(state: State, extra: list[Entry], order: list[str]) -> str:
    """The text of backup.txt for `state` (and `extra` lines), data files in `order`."""
    rank = {name: i for i, name in enumerate(order)}
    entries = sorted(
        [*state.entries(), *extra],
        key=lambda e: (rank.get(e.name, len(rank)), e.name, generation_rank(e.generation)),
    )
    days = state.latest_days()
    days = dict(sorted(days.items(), key=lambda kv: rank.get(kv[0], len(rank))))
    return ledger_mod.render(entries, days)


def after_backup(
    state: State, layout: Layout, name: str, moves: dict[int, int | None], new: Entry
) -> State:
    """The state once the copies of `name` moved as `moves` says (None: out of the
    rotation) and the new copy took the newest place. The records are moved with their
    copies, not matched again."""
    copies = []
    for copy in state.copies:
        generation = copy.disk.generation
        if copy.disk.name == name and generation in moves:
            target = moves[generation]
            if target is None:
                continue
            moved = replace(copy.disk, generation=target, path=layout.slot(name, target))
            copy = replace(copy, disk=moved)
        copies.append(copy)
    disk = OnDisk(name, 0, layout.slot(name, 0), new.taken_at, new.size)
    copies.append(Copy(disk, replace(new, generation="newest")))
    days = state.latest_days()
    days[name] = max(new.taken_at.date(), days.get(name, new.taken_at.date()))
    return State(replace(state.ledger, latest_day=days), copies, [])


def ledger_notes(state: State) -> list[str]:
    """What the ledger as found means for the copies now, said the same by `backup
    verify` and the Data Backup page (issue 24: the page said nothing)."""
    if state.ledger.missing:
        if not state.copies:
            return []
        return ["backup.txt is missing: every copy is unrecorded until it leaves the rotation"]
    return list(state.ledger.notes)


def notes(state: State) -> list[str]:
    """What a run says about the ledger it found."""
    ledger, said = state.ledger, []
    if ledger.missing and state.copies:
        said.append(
            (ledger.notes or ledger.damage)[0]
            + "; its layout was rebuilt from the copies on disk, which stay unrecorded "
            "(they cannot be verified, and restoring one needs --force)"
        )
    elif ledger.damage:
        said.extend(f"{d}; the copies it described are now unrecorded" for d in ledger.damage)
    for record in state.unmatched:
        if record.generation != "new":
            said.append(
                f"{record.name} ({record.generation}) listed in backup.txt is missing on disk"
            )
    return said
