"""`flask --app portal backup offsite list/verify`: the off-site folder on the command
line (restoring from it is `backup restore FILE --offsite YYYY-MM-DD`)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.cli.common import ACTOR
from portal.data_backup import alarms, offsite, offsite_folder
from portal.filters import filesize, format_datetime
from portal.offsite import OffsiteError, OffsiteFolder
from portal.web import current_instance, get_db, log_event

offsite_group = AppGroup(
    "offsite",
    help="Set, test, list and verify the off-site copies (OFFSITE_DIR).",
    short_help="Set, test, list and verify the off-site copies.",
)


def _folder() -> OffsiteFolder:
    target = offsite_folder.folder(current_instance())
    if target is None:
        raise click.ClickException(
            "No off-site folder is set (OFFSITE_DIR, or the Data Backup page)."
        )
    return target


@offsite_group.command("list", short_help="List the dated off-site folders.")
def list_command() -> None:
    """List every dated off-site folder: its files and sizes, complete or not."""
    target = _folder()
    try:
        survey = target.within_limit(target.checked_survey)
    except OffsiteError as exc:
        raise click.ClickException(str(exc)) from exc
    days = survey.days
    _strays(survey.strays)
    if not days:
        click.echo(f"No off-site copies yet in {target.root}.")
        return
    click.echo(f"Off-site copies in {target.root}:")
    click.echo(f"{'DATE':<11} {'STATE':<11} {'FILE':<12} {'SIZE':>10}  STORED IN")
    for day in reversed(days):
        if not day.complete:
            state = "REFUSED" if day.forged else "DAMAGED" if day.damaged else "incomplete"
            why = (
                f" ({day.problem})" if day.problem else " (no manifest: never offered for restore)"
            )
            click.echo(f"{day.day.isoformat():<11} {state}{why}")
            continue
        # Sealed is the rule; a day from before sealing says so on each line.
        state = "complete" if day.sealed else "not sealed"
        for item in day.manifest.items:
            stored = "this day" if item.stored_in == day.day else item.stored_in.isoformat()
            click.echo(
                f"{day.day.isoformat():<11} {state:<11} {item.name:<12} "
                f"{filesize(item.size):>10}  {stored}"
            )


def _strays(strays: list[str]) -> None:
    """What is on the share that the portal did not make: named, never touched."""
    if not strays:
        return
    click.echo("Not made by the portal (left untouched):")
    for stray in strays:
        click.echo(f"  {stray}")


@offsite_group.command("set", short_help="Use a folder as the off-site folder.")
@click.argument("folder")
def set_command(folder: str) -> None:
    """Use FOLDER as the off-site folder, as Save on the Data Backup page does: it must
    be empty or already this portal's off-site folder, and not a system folder nor the
    instance's own; a small marker file is written into it. "" turns the copy off."""
    try:
        marked = offsite_folder.use_dir(folder, current_instance())
    except OffsiteError as exc:
        raise click.ClickException(str(exc)) from exc
    log_event("off-site folder set", folder or "off")
    if not folder.strip():
        click.echo("The off-site copy is off.")
        return
    how = "marked as this portal's" if marked else "already this portal's"
    click.echo(f"Off-site folder set: {folder.strip()} ({how}).")


@offsite_group.command("test", short_help="Test a folder as the off-site folder.")
@click.argument("folder", required=False)
def test_command(folder: str | None) -> None:
    """Do on FOLDER (default: the off-site folder in force) what a copy does, on a few
    bytes: write and flush a file, rename it, read it back, delete it, ask for the free
    space; as the Data Backup page's Test button. Exit status 1 naming the step that
    failed. Nothing is saved."""
    where = (folder or "").strip() or str(_folder().root)
    try:
        notes = offsite_folder.test_folder(where, current_instance())
    except OffsiteError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(offsite_folder.TEST_PASSED.format(folder=where))
    for note in notes:
        click.echo(f"Note: {note}")


@offsite_group.command("verify", short_help="Re-read every kept off-site copy.")
def verify_command() -> None:
    """Read every kept off-site copy and compare it with its manifest (SHA-256, SQLite's
    integrity check). Exit status 1 naming each problem."""
    _folder()
    report = offsite.verify(current_instance())
    if report.unreachable:
        log_event("backup verified", report.summary())
        raise click.ClickException(f"{report.unreachable} Nothing was verified.")
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}")
    for day in report.incomplete:
        click.echo(f"Note: {day} is incomplete (no manifest); it is never offered for restore.")
    _strays(report.strays)
    log_event("backup verified", report.summary())
    if not report.ok:
        alarms.damaged_copy(current_instance(), ACTOR, report.summary())
        click.echo(f"{len(report.problems)} off-site problem(s) found.")
        raise SystemExit(1)
    click.echo(report.summary())


def status_lines() -> list[str]:
    """What `backup list` says about the off-site copy (nothing when it is off)."""

    state = offsite.status(get_db("system.db"), current_instance())
    if not state.folder:
        return []
    zone = current_instance().clock.zone
    lines = [f"\nOff-site folder: {state.folder}"]
    if state.last_success:
        lines.append(
            f"Last off-site copy: {format_datetime(state.last_success, zone)} "
            f"(the copy of {state.last_day})"
        )
    else:
        lines.append("Last off-site copy: none yet")
    if state.failing:
        lines.append(
            f"FAILING since {format_datetime(state.failing_since, zone)}: {state.last_error}"
        )
    return lines
