"""System Settings forms."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError


class ElevateForm(FlaskForm):
    """The admin password prompt."""

    password = PasswordField(
        "Admin password", validators=[DataRequired("Type the admin password."), Length(max=256)]
    )
    next = HiddenField()


class ScheduleBackupForm(FlaskForm):
    """Schedule Data Backup, the manual's steps: pick a group, click users, Add, tick the
    box, Save. The members being edited travel in `members` until Save stores them."""

    group = SelectField("Group", choices=[], validate_choice=False)
    candidates = SelectMultipleField("Users", choices=[], validate_choice=False)
    members = HiddenField()
    selected_members = SelectMultipleField("Data Backup Group", choices=[], validate_choice=False)
    enabled = BooleanField("Schedule Data Backup")
    start = TimeField("From", validators=[InputRequired("Give the time the reminder starts.")])
    end = TimeField("Until", validators=[InputRequired("Give the time the reminder ends.")])

    automatic = BooleanField("Back up automatically every day")
    automatic_at = TimeField("at", validators=[Optional()])

    def validate_automatic_at(self, field) -> None:
        if self.automatic.data and field.data is None and not field.errors:
            raise ValidationError("Give the time of the automatic backup.")

    def validate_end(self, field) -> None:
        if field.data and self.start.data and field.data <= self.start.data:
            raise ValidationError("The reminder must end after it starts.")


class FileForm(FlaskForm):
    """Create, Update or Back up all: which data file (empty for all)."""

    file = HiddenField()


class RestoreForm(FlaskForm):
    """Restore: which data file, which generation; `force` ("1") only on the second
    confirmation, for a copy that cannot be proven to be the one that was made."""

    file = HiddenField()
    generation = HiddenField()
    force = HiddenField()
