"""Scheduler forms."""

from wtforms import DateField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from portal.apps.scheduler.store import EventData
from portal.forms import Form, Time24Field, calendar_date


class EventForm(Form):
    """Add or edit an event. No start time makes an all-day event."""

    day = DateField(
        "Date", validators=[InputRequired("Give the date, as YYYY-MM-DD."), calendar_date]
    )
    start_time = Time24Field("Start", validators=[Optional()])
    end_time = Time24Field("End", validators=[Optional()])
    title = StringField(
        "Title", validators=[DataRequired("Give the event a title."), Length(max=200)]
    )
    memo = TextAreaField("Memo", validators=[Length(max=4000)])
    submit = SubmitField("Add")

    def validate_end_time(self, field) -> None:
        if field.data is None:
            return
        if self.start_time.data is None:
            raise ValidationError("An end time needs a start time.")
        if field.data <= self.start_time.data:
            raise ValidationError("The end time must be after the start time.")

    def event_data(self) -> EventData:
        """The entered event, cleaned."""
        return EventData(
            day=self.day.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            title=self.title.data.strip(),
            memo=self.memo.data or "",
        )
