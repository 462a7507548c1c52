"""`flask --app portal backup items` and `backup bring-back`: one item back from a copy
(issue 23) without restoring the whole data file. The copy is proven as a restore
proves it, and read from a private read-only copy of it (portal/bring_back/)."""

from __future__ import annotations

import click

from portal.backup import BackupError
from portal.backup.layout import GENERATIONS, copy_words
from portal.bring_back import service
from portal.bring_back.differences import CHANGED, DELETED, SHOW, UNCHANGED, Item, counts
from portal.bring_back.kinds import KINDS
from portal.cli.common import ACTOR
from portal.users import people_by_id
from portal.web import current_data_backup, current_instance, get_db

FILES = click.Choice(sorted(KINDS))
GENERATION = click.option(
    "--generation",
    "-g",
    type=click.IntRange(0, GENERATIONS),
    required=True,
    help=f"The copy: 0 (newest) to {GENERATIONS}.",
)


def _items(file: str, generation: int) -> list[Item]:
    try:
        return service.items(current_instance(), current_data_backup(), file, generation, ACTOR)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc


def _logins() -> dict[int, str]:
    """Whose each item is, by login: "bob (removed)" for someone removed since."""
    return {
        user_id: f"{p.login} (removed)" if p.removed else p.login
        for user_id, p in people_by_id(get_db("system.db")).items()
    }


@click.command("items", short_help="List a copy's items deleted or changed since.")
@click.argument("file", type=FILES)
@GENERATION
@click.option("--deleted", "only", flag_value="deleted", help="Only the items deleted since.")
@click.option("--changed", "only", flag_value="changed", help="Only the items changed since.")
@click.option("--all", "only", flag_value="all", help="Unchanged items too.")
@click.option("--person", metavar="LOGIN", help="Only the items of one person.")
def items_command(file: str, generation: int, only: str | None, person: str | None) -> None:
    """List the items of FILE's copy at --generation against the live data, with their
    ids for `backup bring-back`: deleted since (in the copy, not live) and changed since
    (the fields that differ named). The copy is proven first, as a restore proves it."""
    logins = _logins()
    found = _items(file, generation)
    shown = [
        item
        for item in found
        if item.state in SHOW[only or "differences"]
        and (person is None or logins.get(item.owner_id, "").casefold() == person.casefold())
    ]
    click.echo(f"{copy_words(generation).capitalize()} of {file}, against the live data:")
    for item in shown:
        what = f" ({', '.join(item.changed)})" if item.changed else ""
        owner = logins.get(item.owner_id, f"user {item.owner_id}")
        click.echo(f"  {item.id:>6}  {item.state:<13}  {owner:<12}  {item.title}{what}")
    found_counts = counts(found)
    click.echo(
        f"{found_counts[DELETED]} deleted since, {found_counts[CHANGED]} changed since, "
        f"{found_counts[UNCHANGED]} unchanged"
        + ("." if only == "all" else " (not listed; --all lists them).")
    )


@click.command("bring-back", short_help="Bring items back from a copy.")
@click.argument("file", type=FILES)
@GENERATION
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--yes", is_flag=True, help="Do not ask first.")
def bring_back_command(file: str, generation: int, ids: tuple[int, ...], yes: bool) -> None:
    """Bring the items IDS (as `backup items` lists them) of FILE's copy at --generation
    back into the live data: a deleted item is inserted again (under a new id if its id
    was taken meanwhile), a changed item is set back to the copy's version. Nothing else
    changes; all of them or none."""
    if not yes:
        by_id = {item.id: item for item in _items(file, generation)}
        for item_id in ids:
            item = by_id.get(item_id)
            said = f"{item.state}: {item.title}" if item else "not in the copy"
            click.echo(f"  {item_id}: {said}")
        click.confirm(f"Bring these back from {copy_words(generation)} of {file}?", abort=True)
    try:
        done = service.bring_back(
            current_instance(), current_data_backup(), file, generation, list(ids), ACTOR
        )
    except (BackupError, service.BringBackError) as exc:
        raise click.ClickException(str(exc)) from exc
    for brought in done:
        click.echo(brought.sentence())
