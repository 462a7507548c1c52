"""The forms of the Data Backup page: which file and copy, and the off-site folder."""

from pathlib import PurePosixPath, PureWindowsPath

from wtforms import BooleanField, HiddenField, PasswordField, RadioField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from portal.forms import Form


class FileForm(Form):
    """Create, Update or Back up all: which data file (empty for all)."""

    file = HiddenField()


class RestoreForm(Form):
    """Restore: which data file, which generation; `force` ("1") only on the second
    confirmation, for a copy that cannot be proven to be the one that was made."""

    file = HiddenField()
    generation = HiddenField()
    force = HiddenField()
    offsite = HiddenField()  # a day ("2026-11-27"): restore from that off-site copy


class BringBackForm(Form):
    """Bring back: from which data file's copy (a token: "0", "offsite-2026-12-06",
    portal/bring_back/copies.py); `anyway` ("1") for a copy the administrator opened
    although it cannot be proven. The items ticked come as the form's `item` values."""

    file = HiddenField()
    copy = HiddenField()
    anyway = HiddenField()


class MembersBringBackForm(Form):
    """The administrator's switch of members' Recently deleted (issue 23)."""

    on = BooleanField("Members may bring back their own deleted to-dos and events")
    save = SubmitField("Apply to Recently deleted")


class PersonBackForm(Form):
    """Bring a removed person back: with the password they had, or a new one (typed
    twice); `anyway` ("1") for a copy opened although it cannot be proven."""

    password = RadioField(
        "Password",
        choices=[
            SelectChoice("old", "The password they had"),
            SelectChoice("new", "A new password"),
        ],
        default="old",
    )
    new_password = PasswordField("New password", validators=[Optional()])
    again = PasswordField("New password again", validators=[Optional()])
    anyway = HiddenField()
    submit = SubmitField("Bring back")

    def new_password_problem(self, min_length: int) -> str | None:
        """What is wrong with the new password asked for (None when none is)."""
        if self.password.data != "new":
            return None
        typed = self.new_password.data or ""
        if len(typed) < min_length:
            return f"A password needs at least {min_length} characters."
        if typed != (self.again.data or ""):
            return "The two new passwords differ."
        return None


class OffsiteForm(Form):
    """The off-site folder on the Data Backup page: Save it, or Test it first."""

    folder = StringField(
        "Off-site folder",
        validators=[Optional(), Length(max=500, message="At most 500 characters.")],
    )
    save = SubmitField("Save")
    test = SubmitField("Test")

    def validate_folder(self, field) -> None:
        text = (field.data or "").strip()
        if text and not (PureWindowsPath(text).is_absolute() or PurePosixPath(text).is_absolute()):
            raise ValidationError(
                r"Give the whole path, e.g. \\nas\backups\portal or /mnt/nas/portal."
            )
