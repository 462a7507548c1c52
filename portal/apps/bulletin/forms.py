"""Bulletin Board forms."""

from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import Form


class PostForm(Form):
    """Write a new post."""

    title = StringField(
        "Title", validators=[DataRequired("Give the post a title."), Length(max=200)]
    )
    body = TextAreaField(
        "Message", validators=[DataRequired("Write a message."), Length(max=20000)]
    )
    submit = SubmitField("Post")


class ReplyForm(Form):
    """Reply to a post."""

    body = TextAreaField("Reply", validators=[DataRequired("Write a reply."), Length(max=20000)])
    submit = SubmitField("Reply")


class EditPostForm(PostForm):
    """Change a post. `seen` is the version the editor started from."""

    seen = HiddenField()
    submit = SubmitField("Save")
