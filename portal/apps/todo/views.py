"""To-Do List pages: list, add, edit, complete, reopen, delete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import web
from portal.apps import recently_deleted_pages as recently_deleted
from portal.apps.todo import store
from portal.apps.todo.forms import TodoForm
from portal.forms import ConfirmForm
from portal.web import form_status, get_db, login_guard

bp = Blueprint("todo", __name__, url_prefix="/todo")


# Every To-Do page is personal.
bp.before_request(login_guard)
# My own to-dos deleted since the newest backup (issue 23).
recently_deleted.add_routes(
    bp, recently_deleted.Place("todo", "todo.db", "To-Do List", "to-dos", "todo.index")
)


def _db():
    return get_db("todo.db")


# Open items per page: the page costs the same with 10 or 10,000 (issue 15).
PAGE = 50


def _render_list(form: TodoForm):
    after = store.parse_key(request.args.get("after"))
    items = store.open_items(_db(), current_user.id, PAGE + 1, after)
    more = store.open_key(items[PAGE - 1]) if len(items) > PAGE else None
    return (
        render_template(
            "todo/index.html",
            form=form,
            open_items=items[:PAGE],
            more=more,
            continued=after is not None,
            done_items=store.done_items(_db(), current_user.id),
            action_form=ConfirmForm(),
            today=web.today(),
        ),
        form_status(form),
    )


@bp.get("/")
def index():
    """My open and recently completed to-dos, with the Add form."""
    return _render_list(TodoForm())


@bp.post("/")
def add():
    """Add a to-do; on bad input show the list again with the typed text kept."""
    form = TodoForm()
    if not form.validate_on_submit():
        return _render_list(form)
    store.add(
        _db(),
        current_user.id,
        form.title.data.strip(),
        form.due_date.data,
        form.memo.data or "",
        web.now(),
    )
    flash(f"Added “{form.title.data.strip()}”.", "success")
    return redirect(url_for("todo.index"))


@bp.route("/<int:todo_id>/edit", methods=["GET", "POST"])
def edit(todo_id: int):
    """Change a to-do's text, due date or memo."""
    item = store.get(_db(), todo_id, current_user.id) or abort(404)
    form = TodoForm(obj=item)
    form.submit.label.text = "Save"
    if form.validate_on_submit():
        store.update(
            _db(),
            todo_id,
            current_user.id,
            form.title.data.strip(),
            form.due_date.data,
            form.memo.data or "",
        )
        flash("Saved.", "success")
        return redirect(url_for("todo.index"))
    return render_template("todo/edit.html", form=form, item=item), form_status(form)


def _action(todo_id: int, apply, message: str):
    if not apply(_db(), todo_id, current_user.id):
        abort(404)
    flash(message, "success")
    return redirect(url_for("todo.index"))


@bp.post("/<int:todo_id>/done")
def complete(todo_id: int):
    """Mark a to-do done."""
    return _action(
        todo_id, lambda db, i, o: store.set_done(db, i, o, True, web.now()), "Marked done."
    )


@bp.post("/<int:todo_id>/reopen")
def reopen(todo_id: int):
    """Put a done to-do back on the list."""
    return _action(
        todo_id, lambda db, i, o: store.set_done(db, i, o, False, web.now()), "Reopened."
    )


@bp.post("/<int:todo_id>/delete")
def delete(todo_id: int):
    """Delete a to-do."""
    return _action(todo_id, store.delete, "Deleted.")
