"""Forms shared across the portal."""

from datetime import date

from flask import Flask
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import ValidationError


class ConfirmForm(FlaskForm):
    """A form with no fields: the CSRF token behind every POST-only button
    (Delete, Done, Log out, ...)."""


class NextForm(FlaskForm):
    """A POST-only button (Confirm, Skip) carrying the page the member wanted."""

    next = HiddenField()


# Dates the calendar pages can step around without leaving Python's date range.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2999, 12, 31)


def in_calendar_range(day: date) -> bool:
    """Whether a date is one the portal accepts."""
    return FIRST_DATE <= day <= LAST_DATE


def calendar_date(_form, field) -> None:
    """A WTForms validator: the date lies between 1900 and 2999."""
    if field.data is not None and not in_calendar_range(field.data):
        raise ValidationError(f"Give a date between {FIRST_DATE.year} and {LAST_DATE.year}.")


def init_app(app: Flask) -> None:
    """Give every template `button_form`: the form behind each POST-only button (Log out,
    Verify, Leave System Settings), so that every token is rendered one way, by
    hidden_tag(). formdata=None: it only renders a token and must not read the request
    (the error page for a request too large to read renders it too)."""
    app.context_processor(lambda: {"button_form": ConfirmForm(formdata=None)})
