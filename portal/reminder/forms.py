"""Forms of the Backup page: each is a POST button carrying where to go afterwards."""

from flask_wtf import FlaskForm
from wtforms import HiddenField


class NextForm(FlaskForm):
    """A POST-only button (Confirm, Skip) with the page the member wanted."""

    next = HiddenField()
