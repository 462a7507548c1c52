"""`flask --app portal backup offsite kit / new-key / rebuild`: the recovery kit, a new
off-site key, and a new server rebuilt from the off-site folder and the kit."""

from __future__ import annotations

from pathlib import Path

import click

from portal.backup import BackupError
from portal.cli.common import ACTOR, confirm_or_stop
from portal.cli.offsite import offsite_group
from portal.data_backup import offsite_keys, rebuild, recovery_kit, restore_words
from portal.offsite import OffsiteError
from portal.web import current_data_backup, current_instance, log_event


@offsite_group.command("kit", short_help="Print the recovery kit (keep it away from the server).")
def kit_command() -> None:
    """Print the recovery kit: the portal's name and id, every off-site key a kept day
    needs, and the commands that rebuild the portal from the off-site folder. Save it
    (`... kit > recovery-kit.txt`) or print it, and keep it away from the server."""
    try:
        kit = recovery_kit.make(current_instance())
    except OffsiteError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(kit.text, nl=False)
    recovery_kit.mark_shown(current_instance(), kit)
    log_event("recovery kit shown", f"keys {', '.join(key.id for key in kit.keys)}")


@offsite_group.command("new-key", short_help="Seal new off-site copies with a new key.")
def new_key_command() -> None:
    """Make a new off-site key: copies from now on are sealed with it; the earlier keys
    stay, for the days that need them. Show the recovery kit again afterwards."""
    try:
        key = offsite_keys.new_key(current_instance())
    except OffsiteError as exc:
        raise click.ClickException(str(exc)) from exc
    log_event("off-site key made", f"key {key.id}")
    click.echo(
        f"A new off-site key ({key.id}) seals the copies from now on. Print the recovery "
        "kit again and keep it: `backup offsite kit`."
    )


@offsite_group.command("rebuild", short_help="Rebuild this portal from an off-site folder.")
@click.argument("folder")
@click.option(
    "--kit",
    "kit_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The recovery kit, saved as a text file.",
)
@click.option(
    "--date",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The off-site day to rebuild from (default: the newest complete one).",
)
def rebuild_command(folder: str, kit_file: Path, day) -> None:
    """Rebuild the portal on a new server from its off-site FOLDER and its recovery kit:
    every data file from one day, each proven as a restore is, the old portal's id and
    keys taken on, and FOLDER set as the off-site folder. Run it in a new instance (the
    data files it replaces are kept in backup/pre-restore/)."""
    try:
        done = rebuild.rebuild(
            current_instance(),
            current_data_backup(),
            folder,
            kit_file.read_text(encoding="utf-8", errors="replace"),
            day.date() if day else None,
            ACTOR,
        )
    except (BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    zone = current_instance().clock.zone
    for result in done.restored:
        click.echo(restore_words.restored(result, zone, offsite_day=done.day))
    click.echo(
        f"The portal was rebuilt from the off-site copy of {done.day} in {folder}. Start "
        "it (python -m portal); the old administrator password works."
    )


def restore_all(file, generation, offsite_day, yes: bool, force: bool) -> None:
    """`backup restore --all --offsite DATE`: every data file from one off-site day."""
    if file is not None or generation is not None or force or offsite_day is None:
        raise click.UsageError(
            "--all restores every data file from one off-site day: --all --offsite "
            "YYYY-MM-DD, with no file name, --generation or --force."
        )
    day = offsite_day.date()
    if not yes:
        confirm_or_stop(
            f"Replace every live data file with the off-site copy of {day}? A safety copy "
            "of each is kept first.",
            "Nothing was restored.",
        )
    try:
        done = rebuild.restore_all(current_instance(), current_data_backup(), day, ACTOR)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    zone = current_instance().clock.zone
    for result in done.restored:
        click.echo(restore_words.restored(result, zone, offsite_day=day))
