"""`flask --app portal backup items` and `backup bring-back`: one item back from a copy
(issue 23) without restoring the whole data file. The copy is proven as a restore
proves it, and read from a private read-only copy of it (portal/bring_back/)."""

from __future__ import annotations

import click

from portal.backup import BackupError
from portal.backup.layout import GENERATIONS
from portal.bring_back import service
from portal.bring_back.copies import CopyRef
from portal.bring_back.differences import CHANGED, DELETED, SHOW, UNCHANGED, Item, counts
from portal.bring_back.kinds import KINDS
from portal.cli.common import ACTOR, confirm_or_stop, one_copy
from portal.users import people_by_id
from portal.web import current_data_backup, current_instance, get_db

FILES = click.Choice(sorted(KINDS))


def copy_options(command):
    """--generation N or --offsite DATE (exactly one), and --force, as `backup restore`."""
    for option in reversed(
        [
            click.option(
                "--generation",
                "-g",
                type=click.IntRange(0, GENERATIONS),
                help=f"The copy: 0 (newest) to {GENERATIONS}.",
            ),
            click.option(
                "--offsite",
                "offsite_day",
                type=click.DateTime(formats=["%Y-%m-%d"]),
                help="The off-site copy of this day (YYYY-MM-DD) instead.",
            ),
            click.option(
                "--force",
                is_flag=True,
                help="Open a copy that cannot be proven to be the one the portal made "
                "(unrecorded, or changed since). A damaged copy is never opened.",
            ),
        ]
    ):
        command = option(command)
    return command


def copy_ref(generation: int | None, offsite_day) -> CopyRef:
    """The copy the options name; a usage error unless exactly one names it."""
    one_copy(generation, offsite_day)
    if offsite_day is not None:
        return CopyRef(offsite=offsite_day.date())
    return CopyRef(generation=generation)


def _items(file: str, ref: CopyRef, force: bool) -> list[Item]:
    try:
        return service.items(
            current_instance(), current_data_backup(), file, ref, ACTOR, force=force
        )
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
@copy_options
@click.option("--deleted", "only", flag_value="deleted", help="Only the items deleted since.")
@click.option("--changed", "only", flag_value="changed", help="Only the items changed since.")
@click.option("--all", "only", flag_value="all", help="Unchanged items too.")
@click.option("--person", metavar="LOGIN", help="Only the items of one person.")
def items_command(
    file: str,
    generation: int | None,
    offsite_day,
    force: bool,
    only: str | None,
    person: str | None,
) -> None:
    """List the items of FILE's copy (--generation or --offsite) against the live data,
    with their ids for `backup bring-back`: deleted since (in the copy, not live) and
    changed since (the fields that differ named). The copy is proven first, as a restore
    proves it."""
    ref = copy_ref(generation, offsite_day)
    logins = _logins()
    found = _items(file, ref, force)
    shown = [
        item
        for item in found
        if item.state in SHOW[only or "differences"]
        and (person is None or logins.get(item.owner_id, "").casefold() == person.casefold())
    ]
    words = ref.words(file)
    click.echo(f"{words[0].upper()}{words[1:]}, against the live data:")
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
@copy_options
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--yes", is_flag=True, help="Do not ask first.")
def bring_back_command(
    file: str, generation: int | None, offsite_day, force: bool, ids: tuple[int, ...], yes: bool
) -> None:
    """Bring the items IDS (as `backup items` lists them) of FILE's copy (--generation or
    --offsite) back into the live data: a deleted item is inserted again (under a new id
    if its id was taken meanwhile), a changed item is set back to the copy's version.
    Nothing else changes; all of them or none."""
    ref = copy_ref(generation, offsite_day)
    if not yes:
        by_id = {item.id: item for item in _items(file, ref, force)}
        for item_id in ids:
            item = by_id.get(item_id)
            said = f"{item.state}: {item.title}" if item else "not in the copy"
            click.echo(f"  {item_id}: {said}")
        confirm_or_stop(f"Bring these back from {ref.words(file)}?", "Nothing was brought back.")
    try:
        done = service.bring_back(
            current_instance(), current_data_backup(), file, ref, list(ids), ACTOR, force=force
        )
    except (BackupError, service.BringBackError) as exc:
        raise click.ClickException(str(exc)) from exc
    for brought in done:
        click.echo(brought.sentence())
