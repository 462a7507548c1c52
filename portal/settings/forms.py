"""System Settings forms."""

import re

from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal.forms import Form, Time24Field


class ElevateForm(Form):
    """The admin password prompt."""

    password = PasswordField(
        "Admin password", validators=[DataRequired("Type the admin password."), Length(max=256)]
    )
    next = HiddenField()


class ScheduleBackupForm(Form):
    """Schedule Data Backup, the manual's steps: pick a group, click users, Add, tick the
    box, Save. The members being edited travel in `members` until Save stores them."""

    group = SelectField("Group", choices=[], validate_choice=False)
    candidates = SelectMultipleField("Users", choices=[], validate_choice=False)
    members = HiddenField()
    selected_members = SelectMultipleField("Data Backup Group", choices=[], validate_choice=False)
    enabled = BooleanField("Schedule Data Backup")
    start = Time24Field("From", validators=[InputRequired("Give the time the reminder starts.")])
    end = Time24Field("Until", validators=[InputRequired("Give the time the reminder ends.")])

    automatic = BooleanField("Back up automatically every day")
    automatic_at = Time24Field("at", validators=[Optional()])

    def validate_automatic_at(self, field) -> None:
        if self.automatic.data and field.data is None and not field.errors:
            raise ValidationError("Give the time of the automatic backup.")

    def validate_end(self, field) -> None:
        if field.data and self.start.data and field.data <= self.start.data:
            raise ValidationError("The reminder must end after it starts.")


_ADDRESS = re.compile(r"^[^@\s,<>]+@[^@\s,<>]+\.[^@\s,<>]+$")
# CR, LF and every other character Python splits lines at (NEL, the Unicode line and
# paragraph separators, ...): in a mail header or a URL they inject a line of their own.
_LINE_BREAK = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def one_line(form, field) -> None:
    """Refuse a line break in a field that goes into a mail header, a mail server's
    sign-in or a URL."""
    if field.data and _LINE_BREAK.search(str(field.data)):
        raise ValidationError("No line breaks: this must be one line.")


class MailForm(Form):
    """Mail for notices on the Schedule Data Backup page (Flask-Mail's settings). The
    password is never shown back: left empty, the stored one is kept."""

    server = StringField("Mail server", validators=[Optional(), one_line, Length(max=255)])
    port = IntegerField(
        "Port",
        validators=[
            Optional(),
            NumberRange(1, 65535, "A port is a number from 1 to 65535."),
        ],
    )
    security = SelectField(
        "Security",
        choices=[
            SelectChoice("none", "None"),
            SelectChoice("tls", "STARTTLS"),
            SelectChoice("ssl", "SSL/TLS"),
        ],
    )
    username = StringField("User name", validators=[Optional(), one_line, Length(max=255)])
    password = PasswordField("Password", validators=[Optional(), one_line, Length(max=255)])
    sender = StringField("Sender address", validators=[Optional(), one_line, Length(max=255)])
    recipients = StringField("Send notices to", validators=[Optional(), one_line, Length(max=1000)])
    webhook_url = StringField("Webhook URL", validators=[Optional(), one_line, Length(max=1000)])
    # No "Save" in its name: the page's Save (the manual's) is for the Data Backup Group.
    save = SubmitField("Apply mail settings")
    send_test = SubmitField("Send test email")

    def validate_sender(self, field) -> None:
        if field.data and not _ADDRESS.match(field.data.strip()):
            raise ValidationError("Give one address, e.g. portal@office.example.")

    def validate_recipients(self, field) -> None:
        wrong = [
            a
            for a in (p.strip() for p in (field.data or "").split(","))
            if a and not _ADDRESS.match(a)
        ]
        if wrong:
            raise ValidationError(
                f"Not an address: {', '.join(wrong)}. Separate addresses with commas."
            )
        if (field.data or "").strip() and not (self.server.data or "").strip():
            raise ValidationError("Give the mail server too.")

    def validate_webhook_url(self, field) -> None:
        if field.data and not field.data.strip().lower().startswith(("http://", "https://")):
            raise ValidationError("A webhook URL starts with http:// or https://.")
