"""Forms shared across the portal."""

from flask_wtf import FlaskForm


class ConfirmForm(FlaskForm):
    """A form with no fields: the CSRF token behind every POST-only button
    (Delete, Done, Log out, ...)."""
