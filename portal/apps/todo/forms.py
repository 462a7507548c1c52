"""To-Do List forms."""

from wtforms import DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import Form, calendar_date


class TodoForm(Form):
    """Add or edit a to-do."""

    title = StringField(
        "To-do", validators=[DataRequired("Say what is to be done."), Length(max=200)]
    )
    due_date = DateField(
        "Due date", validators=[Optional(), calendar_date], render_kw={"placeholder": "YYYY-MM-DD"}
    )
    memo = TextAreaField("Memo", validators=[Length(max=4000)])
    submit = SubmitField("Add")
