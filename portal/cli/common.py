"""Helpers the commands share: reading a password, asking before acting, the audit actor."""

from __future__ import annotations

import sys

import click

from portal import audit
from portal.passwords import validate_password
from portal.users import UserError
from portal.web import current_instance

ACTOR = audit.COMMAND_LINE


def confirm_or_stop(question: str, nothing_done: str) -> None:
    """Ask `question`; on No say `nothing_done` and end the command with status 0: the
    operator chose not to, nothing failed (click's abort said "Aborted!" with status 1)."""
    if not click.confirm(question):
        click.echo(nothing_done)
        click.get_current_context().exit(0)


def read_password(from_stdin: bool, prompt: str = "Password") -> str:
    """A new password from standard input's first line, or typed twice at a prompt."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    try:
        validate_password(password, current_instance().config["PASSWORD_MIN_LENGTH"])
    except UserError as exc:
        raise click.ClickException(str(exc)) from exc
    return password


def one_copy(generation: int | None, offsite_day) -> None:
    """A usage error unless exactly one of --generation and --offsite names the copy,
    saying which of the two mistakes it is."""
    if generation is not None and offsite_day is not None:
        raise click.UsageError(
            "Give --generation or --offsite, not both: a local copy or an off-site day."
        )
    if generation is None and offsite_day is None:
        raise click.UsageError("Name the copy: --generation 0-7, or --offsite YYYY-MM-DD.")
