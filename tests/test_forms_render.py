"""Issue 24: a page holds many forms (the header's Log out, one form per row), and an id
must be unique on a page. Every form of the portal is a portal.forms.Form, whose hidden
fields render without an id; the Nu HTML Checker over every page (the browser tests'
accessibility walk) checks the pages themselves."""

from __future__ import annotations

import re

from portal.forms import ConfirmForm, Form, NextForm
from tests.serving import ROOT


def test_hidden_fields_render_without_an_id(app):
    with app.test_request_context():
        rendered = str(NextForm(formdata=None, next="/todo/").hidden_tag())
    assert 'name="csrf_token"' in rendered and 'name="next" type="hidden" value="/todo/"' in (
        rendered
    )
    assert "id=" not in rendered


def test_every_form_is_a_portal_form():
    """A form made straight from FlaskForm would bring the repeated ids back."""
    straight = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "portal").rglob("*.py")
        if path.name != "forms.py" or path.parent.name != "portal"
        if re.search(r"\(FlaskForm\)|import FlaskForm", path.read_text(encoding="utf-8"))
    ]
    assert straight == []
    assert issubclass(ConfirmForm, Form)
