"""`flask --app portal backup run/list/verify/restore`: the backup engine on the
command line. Exit status: 0 done, 1 failed (the message says why), 2 wrong usage,
3 another backup is running (only with --no-wait)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.backup import BackupBusy, BackupError
from portal.backup.errors import UnprovenCopy
from portal.backup.layout import copy_name, copy_words, generation_rank
from portal.cli import bring_back, offsite_kit  # offsite_kit adds kit, new-key, rebuild
from portal.cli.common import ACTOR, confirm_or_stop, one_copy
from portal.cli.offsite import offsite_group, status_lines
from portal.clock import format_datetime
from portal.data_backup import clock_mistake, offsite_folder, restore_words
from portal.datafiles import DATA_FILES
from portal.filters import count, filesize
from portal.nightly import job, verify_job, watch
from portal.users import names_by_login
from portal.web import current_data_backup, current_instance, get_db, log_event

backup_group = AppGroup("backup", help="Back up, list, verify and restore the data files.")
backup_group.add_command(offsite_group)
backup_group.add_command(bring_back.items_command)
backup_group.add_command(bring_back.bring_back_command)
FILE_NAMES = [spec.name for spec in DATA_FILES]
EXIT_BUSY = 3


@backup_group.command("run")
@click.argument("files", nargs=-1, type=click.Choice(FILE_NAMES))
@click.option(
    "--wait/--no-wait",
    default=True,
    help="If another backup is running, wait for it (default) or stop with exit status 3.",
)
@click.option(
    "--if-due",
    is_flag=True,
    help="Only run today's automatic backup, if it is due (for Task Scheduler or cron).",
)
def run_command(files: tuple[str, ...], wait: bool, if_due: bool) -> None:
    """Back up the data files now (default: all of them)."""
    if if_due:
        if files:
            raise click.UsageError("--if-due backs up every data file; name no files.")
        instance, service = current_instance(), current_data_backup()
        outcome = job.run_if_due(instance, service, who=ACTOR)
        watch.check(instance)  # after the run: a backup it just made is not reported missed
        # Sites whose portal runs no scheduler get the weekly full verify from here.
        verify_job.run_if_due(instance, service)
        if not outcome.ran:
            click.echo(f"Nothing to do: the automatic backup is {outcome.message}.")
            return
        if not outcome.ok:
            raise click.ClickException(outcome.message)
        click.echo("The automatic backup is done.")
        return
    _warn_about_the_folder()
    try:
        result = current_data_backup().run_backup(
            list(files) or None, ACTOR, wait=None if wait else 0
        )
    except BackupBusy as exc:
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(EXIT_BUSY) from exc
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    for note in result.notes:
        click.echo(f"Note: {note}")
    # The off-site copy's own message says it for the share.
    _later_dates(current_data_backup().engine(), offsite=False)
    for f in result.files:
        rotation = {
            "first copy": "the first copy",
            "rotated": "a new day: earlier copies moved one generation older",
            "replaced": "replaced today's earlier copy",
        }[f.outcome]
        click.echo(
            f"{f.name:<12} {filesize(f.size):>10}  {f.seconds:6.2f} s  verified  ({rotation})"
        )
    click.echo(
        f"Backup complete: {count(len(result.files), 'file')} in {current_instance().backup_dir}"
    )


@backup_group.command("list", short_help="List every copy, then the safety copies.")
def list_command() -> None:
    """List every copy: file, generation, taken at, size, by whom; then the safety copies."""
    backups = _engine()
    try:
        state = backups.state()
        entries, safety = state.entries(), backups.safety_copies()
    except (BackupError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    for damage in state.ledger.damage:  # each shown cut short (ledger.short)
        click.echo(f"PROBLEM: {damage}")
    zone = current_instance().clock.zone
    if not entries:
        click.echo("No backups yet.")
    else:
        names = names_by_login(get_db("system.db"))
        click.echo(f"{'FILE':<12} {'GENERATION':<12} {'TAKEN AT':<17}  {'SIZE':>10}  BY")
        for e in sorted(
            entries,
            key=lambda e: (
                FILE_NAMES.index(e.name) if e.name in FILE_NAMES else 99,
                generation_rank(e.generation),
            ),
        ):
            by = _person(e.taken_by, names)
            if not e.recorded:
                by += " - UNRECORDED, not verifiable"
            taken = format_datetime(e.taken_at, zone)
            click.echo(
                f"{e.name:<12} {copy_name(e.generation):<12} {taken:<17}  "
                f"{filesize(e.size):>10}  {by}"
            )
    if safety:
        click.echo(
            "\nSafety copies (the live file as it was before a restore), in backup/pre-restore:"
        )
        for c in safety:
            click.echo(
                f"{c.name:<12} {format_datetime(c.taken_at, zone):<17}  "
                f"{filesize(c.size):>10}  {c.path.name}"
            )
    for line in status_lines():
        click.echo(line)
    _later_dates(backups, state)


def _later_dates(backups, state=None, offsite: bool = True) -> None:
    """Say it when copies are dated after today, with the one step that ends it."""
    instance = current_instance()
    today = instance.clock.today()
    target = offsite_folder.folder(instance) if offsite else None
    days = clock_mistake.later_dates(backups, target, today, state)
    if days:
        click.echo(
            f"Note: {clock_mistake.sentence(days, today)} To say so: "
            f"`{instance.command('backup clock-mistake')}`."
        )


@backup_group.command("clock-mistake", short_help="Say that later dates were a clock's mistake.")
def clock_mistake_command() -> None:
    """Say that the dates after today that copies carry (a run made while the server's
    clock was far ahead) were a mistake: backups then go on under today's date, starting
    new generations and sending off-site copies again. Nothing is deleted or re-dated."""
    instance = current_instance()
    days = clock_mistake.declare(instance, _engine(), offsite_folder.folder(instance))
    today = instance.clock.today().isoformat()
    if not days:
        click.echo(f"No copy is dated after today ({today}): there was nothing to do.")
        return
    said = ", ".join(d.isoformat() for d in days)
    log_event("clock mistake", f"dates said to be a mistake: {said}")
    click.echo(clock_mistake.DONE.format(days=said, today=today))


def _person(login: str, names: dict[str, str]) -> str:
    """'Alice Brown (alice)': the name as the pages show it, the login for the operator."""
    name = names.get(login.casefold())
    return f"{name} ({login})" if name else login


def _warn_about_the_folder() -> None:
    """A backup folder that other accounts may open: said by every backup command,
    never changed by the portal."""
    for problem in current_data_backup().folder_warnings():
        click.echo(f"Warning: {problem}", err=True)


def _engine():
    """The engine, after the warnings about its folder."""
    _warn_about_the_folder()
    return current_data_backup().engine()


@backup_group.command("verify", short_help="Re-check every copy: integrity and SHA-256.")
def verify_command() -> None:
    """Re-check every copy (SQLite integrity check, SHA-256 against backup.txt).
    Exit status 1 if anything is wrong. Unrecorded copies are named on their own lines."""
    try:
        _warn_about_the_folder()
        report = current_data_backup().verify(ACTOR, wait=None)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    for note in report.notes:
        click.echo(f"Note: {note}")
    for problem in [*report.live_problems, *report.ledger_problems]:
        click.echo(f"PROBLEM: {problem}")
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}")
    for copy in report.unrecorded:
        click.echo(f"UNRECORDED: {copy}")
    if not report.ok:
        click.echo(report.summary(problems=False))
        raise SystemExit(1)
    click.echo(report.summary())


@backup_group.command("restore", short_help="Restore a data file from a local or off-site copy.")
@click.argument("file", type=click.Choice(FILE_NAMES), required=False)
@click.option(
    "--all",
    "every_file",
    is_flag=True,
    help="Every data file, from the off-site copy of one day (with --offsite).",
)
@click.option(
    "--generation",
    "-g",
    type=click.IntRange(0, 7),
    help="0 for the newest copy, 1 to 7 for the folders.",
)
@click.option(
    "--offsite",
    "offsite_day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Restore from the off-site copy of this day (YYYY-MM-DD) instead.",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--force",
    is_flag=True,
    help="Restore a copy that cannot be proven to be the one the portal made (unrecorded "
    "in backup.txt, or changed since). A copy of another kind is never restored.",
)
def restore_command(
    file: str | None, every_file: bool, generation: int | None, offsite_day, yes: bool, force: bool
) -> None:
    """Replace a live data file with one of its copies (--generation) or with an off-site
    copy (--offsite); --all --offsite YYYY-MM-DD replaces every data file from that day.
    Only a copy whose SHA-256 matches the one recorded when it was made is restored
    (unless --force, for local copies). A safety copy of the current data is kept in
    backup/pre-restore/ first."""
    if every_file:
        return offsite_kit.restore_all(file, generation, offsite_day, yes, force)
    if file is None:
        raise click.UsageError("Name the data file to restore, or --all --offsite YYYY-MM-DD.")
    one_copy(generation, offsite_day)
    if offsite_day is not None and force:
        raise click.UsageError("--force is for local copies; an off-site copy is always proven.")
    day = offsite_day.date() if offsite_day else None
    words = f"the off-site copy of {day}" if day else copy_words(generation)
    if not yes:
        confirm_or_stop(
            f"Replace the live {file} with {words}? "
            "A safety copy of the current data is kept first.",
            "Nothing was restored.",
        )
    try:
        result = current_data_backup().restore(
            file, generation or 0, ACTOR, force=force, offsite_day=day
        )
    except UnprovenCopy as exc:
        if day is not None:  # --force is refused for an off-site copy: never offered
            raise click.ClickException(
                f"{exc} An off-site copy is restored only when proven; choose another day "
                f"(`{current_instance().command('backup offsite list')}`)."
            ) from exc
        raise click.ClickException(
            f"{exc} Restore it anyway only if you know where it came from: "
            + current_instance().command(f"backup restore {file} --generation {generation} --force")
        ) from exc
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    zone = current_instance().clock.zone
    click.echo(restore_words.restored(result, zone, day, "it was restored because of --force"))
