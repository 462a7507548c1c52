"""To-Do List: add, edit, complete, reopen, delete, due dates, bad input, privacy."""

import re

from portal.apps.todo import store
from portal.web import get_db
from tests.helpers import submit


def add(client, **data):
    return submit(client, "/todo/", data=data)


def todo_ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/todo/(\d+)/edit"', page)]


def test_add_shows_in_list_and_portlet(alice):
    response = add(alice, title="Call the printer man", due_date="2026-11-30", memo="ext. 12")
    assert response.status_code == 302
    page = alice.get("/todo/").get_data(as_text=True)
    assert "Call the printer man" in page
    assert "Mon 30 Nov 2026" in page
    portal = alice.get("/").get_data(as_text=True)
    assert "Call the printer man" in portal
    assert "due 30 Nov" in portal


def test_bad_input_is_explained_and_kept(alice):
    response = add(alice, title="", due_date="2026-02-30", memo="keep me")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Say what is to be done." in page
    assert "Not a valid date value." in page
    assert "keep me" in page
    assert 'value="2026-02-30"' in page


def test_overdue_items_are_marked(alice, clock):
    add(alice, title="Old task", due_date="2026-11-26")
    assert "overdue" in alice.get("/todo/").get_data(as_text=True)


def test_complete_reopen_delete(alice, app):
    add(alice, title="Water the plants")
    (todo_id,) = todo_ids(alice.get("/todo/").get_data(as_text=True))
    assert submit(alice, "/todo/", f"/todo/{todo_id}/done").status_code == 302
    assert "Water the plants" not in alice.get("/").get_data(as_text=True)
    assert "<s>Water the plants</s>" in alice.get("/todo/").get_data(as_text=True)
    submit(alice, "/todo/", f"/todo/{todo_id}/reopen")
    assert "Water the plants" in alice.get("/").get_data(as_text=True)
    submit(alice, "/todo/", f"/todo/{todo_id}/delete")
    with app.app_context():
        assert store.get(get_db("todo.db"), todo_id, 2) is None


def test_edit(alice):
    add(alice, title="Draft", due_date="")
    (todo_id,) = todo_ids(alice.get("/todo/").get_data(as_text=True))
    bad = submit(alice, f"/todo/{todo_id}/edit", data={"title": "   ", "due_date": "tomorrow"})
    assert bad.status_code == 400
    assert 'value="tomorrow"' in bad.get_data(as_text=True)
    good = submit(alice, f"/todo/{todo_id}/edit", data={"title": "Final", "due_date": "2026-12-01"})
    assert good.status_code == 302
    assert "Final" in alice.get("/todo/").get_data(as_text=True)


def test_others_cannot_see_or_touch_my_todos(alice, bob):
    add(alice, title="Secret plan")
    (todo_id,) = todo_ids(alice.get("/todo/").get_data(as_text=True))
    assert "Secret plan" not in bob.get("/todo/").get_data(as_text=True)
    assert bob.get(f"/todo/{todo_id}/edit").status_code == 404
    assert submit(bob, "/todo/", f"/todo/{todo_id}/delete").status_code == 404
    assert "Secret plan" in alice.get("/todo/").get_data(as_text=True)


def test_actions_need_a_csrf_token(alice):
    add(alice, title="Keep")
    (todo_id,) = todo_ids(alice.get("/todo/").get_data(as_text=True))
    assert alice.post(f"/todo/{todo_id}/delete").status_code == 400
    assert "Keep" in alice.get("/todo/").get_data(as_text=True)


def test_text_is_escaped(alice):
    add(alice, title="<script>alert(1)</script>")
    page = alice.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
