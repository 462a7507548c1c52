"""Forms shared across the portal."""

from datetime import date

from flask import Flask
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField, TimeField
from wtforms.validators import ValidationError
from wtforms.widgets import HiddenInput, TextInput


class Form(FlaskForm):
    """Every form of the portal. Its hidden fields (the CSRF token, which file, which
    copy) are rendered without an id: a page holds many forms (the header's Log out,
    one per row), and an id must be unique on a page (issue 24: the Nu HTML Checker
    found `csrf_token` and `file` repeated). Nothing points at a hidden field by id."""

    def hidden_tag(self, *fields) -> Markup:
        chosen = [getattr(self, f) if isinstance(f, str) else f for f in fields] or self
        # Each field renders itself as Markup, its value escaped (as FlaskForm's).
        return Markup("\n").join(f(id=False) for f in chosen if isinstance(f.widget, HiddenInput))


class Time24Field(TimeField):
    """A time of day, typed and shown as HH:MM in 24 hours (issue 24). A browser's own
    time field shows "06:00 PM" by its locale, where the hints and the command line say
    18:00: this is a text field with a numeric keyboard and the pattern as a hint."""

    widget = TextInput()
    MESSAGE = "Give the time as HH:MM in 24 hours, e.g. 09:30 or 18:00."

    def __init__(self, label=None, validators=None, **kwargs):
        shown = {
            "inputmode": "numeric",
            "pattern": TIME_PATTERN,
            "placeholder": "HH:MM",
            "maxlength": 5,
            "autocomplete": "off",
            "class": "hhmm",
            **kwargs.pop("render_kw", {}),
        }
        super().__init__(label, validators, format="%H:%M", render_kw=shown, **kwargs)

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.MESSAGE) from None


# 9:30, 09:30 and 18:00 are times; 24:00 and 7pm are not.
TIME_PATTERN = "([01]?[0-9]|2[0-3]):[0-5][0-9]"


class ConfirmForm(Form):
    """A form with no fields: the CSRF token behind every POST-only button
    (Delete, Done, Log out, ...)."""


class NextForm(Form):
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
