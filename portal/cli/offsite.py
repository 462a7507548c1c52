"""`flask --app portal backup offsite list/verify`: the off-site folder on the command
line (restoring from it is `backup restore FILE --offsite YYYY-MM-DD`)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.cli.common import ACTOR
from portal.clock import get_clock
from portal.data_backup import notices, offsite, trail
from portal.filters import filesize, format_datetime
from portal.offsite import OffsiteError, OffsiteFolder

offsite_group = AppGroup("offsite", help="List and verify the off-site copies (OFFSITE_DIR).")


def _folder() -> OffsiteFolder:
    target = offsite.folder()
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
        days = target.days()
    except OffsiteError as exc:
        raise click.ClickException(str(exc)) from exc
    if (problem := target.problem()) is not None:
        raise click.ClickException(problem)
    if not days:
        click.echo(f"No off-site copies yet in {target.root}.")
        return
    click.echo(f"Off-site copies in {target.root}:")
    click.echo(f"{'DATE':<11} {'STATE':<11} {'FILE':<12} {'SIZE':>10}  STORED IN")
    for day in reversed(days):
        if not day.complete:
            why = (
                f" ({day.problem})" if day.problem else " (no manifest: never offered for restore)"
            )
            click.echo(f"{day.day.isoformat():<11} incomplete{why}")
            continue
        for item in day.manifest.items:
            stored = "this day" if item.stored_in == day.day else item.stored_in.isoformat()
            click.echo(
                f"{day.day.isoformat():<11} {'complete':<11} {item.name:<12} "
                f"{filesize(item.size):>10}  {stored}"
            )


@offsite_group.command("verify", short_help="Re-read every kept off-site copy.")
def verify_command() -> None:
    """Read every kept off-site copy and compare it with its manifest (SHA-256, SQLite's
    integrity check). Exit status 1 naming each problem."""
    _folder()
    report = offsite.verify()
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}")
    for day in report.incomplete:
        click.echo(f"Note: {day} is incomplete (no manifest); it is never offered for restore.")
    trail.audit_entry(current_app, "backup verified", ACTOR, report.summary(), None)
    if not report.ok:
        notices.damaged_copy(current_app._get_current_object(), ACTOR, report.summary())
        click.echo(f"{len(report.problems)} off-site problem(s) found.")
        raise SystemExit(1)
    click.echo(report.summary())


def status_lines() -> list[str]:
    """What `backup list` says about the off-site copy (nothing when it is off)."""
    from portal.db import get_db

    state = offsite.status(get_db("system.db"))
    if not state.folder:
        return []
    zone = get_clock().zone
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
