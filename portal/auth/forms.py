"""Forms of the login page."""

from wtforms import HiddenField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from portal.forms import Form


class LoginForm(Form):
    """Pick your name (or type your login name) and type your password."""

    user = SelectField("Name", choices=[], validate_choice=False)
    login = StringField("or login name", validators=[Length(max=64)])
    password = PasswordField(
        "Password", validators=[DataRequired("Type your password."), Length(max=256)]
    )
    next = HiddenField()
    submit = SubmitField("Log in")

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if not (self.login.data or "").strip() and not self.user.data:
            self.user.errors = [*self.user.errors, "Choose your name or type your login name."]
            return False
        return ok
