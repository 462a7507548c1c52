"""Helpers the commands share: reading a password, the audit actor."""

from __future__ import annotations

import sys

import click

from portal import audit
from portal.passwords import validate_password
from portal.users import UserError
from portal.web import current_instance

ACTOR = audit.COMMAND_LINE


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
