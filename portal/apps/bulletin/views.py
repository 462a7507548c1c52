"""Bulletin Board pages: the list, a post with its replies, post, reply, delete."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import paging, web
from portal.apps.bulletin import store
from portal.apps.bulletin.forms import EditPostForm, PostForm, ReplyForm
from portal.forms import ConfirmForm
from portal.users import names_by_id
from portal.web import form_status, get_db, login_guard, row_id

bp = Blueprint("bulletin", __name__, url_prefix="/bulletin")
PAGE_SIZE = 20


# The board is for the office's staff only.
bp.before_request(login_guard)


def _db():
    return get_db("bulletin.db")


def _may_change(author_id: int) -> bool:
    # Authors edit and delete their own; the administrator moderates.
    return author_id == current_user.id or current_user.is_admin


@bp.get("/")
def index():
    """All posts, newest first, a page at a time (Older, Newer: keyset paging)."""
    conn = _db()
    page = paging.newest_first(
        lambda key, limit: store.older_posts(conn, key, limit),
        lambda key, limit: store.newer_posts(conn, key, limit),
        store.post_key,
        PAGE_SIZE,
        before=request.args.get("before"),
        after=request.args.get("after"),
    )
    return render_template(
        "bulletin/index.html",
        page=page,
        names=names_by_id(get_db("system.db"), {p.author_id for p in page.rows}),
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Write a post."""
    form = PostForm()
    if form.validate_on_submit():
        post_id = store.add_post(
            _db(), current_user.id, form.title.data.strip(), form.body.data, web.now()
        )
        flash("Your post is on the board.", "success")
        return redirect(url_for("bulletin.show", post_id=post_id))
    return render_template("bulletin/new.html", form=form), form_status(form)


def _render_post(post: store.Post, reply_form: ReplyForm):
    replies = store.replies(_db(), post.id)
    authors = {post.author_id, post.edited_by or post.author_id} | {r.author_id for r in replies}
    return (
        render_template(
            "bulletin/post.html",
            post=post,
            replies=replies,
            names=names_by_id(get_db("system.db"), authors),
            form=reply_form,
            delete_form=ConfirmForm(),
            may_change=_may_change,
        ),
        form_status(reply_form),
    )


@bp.get("/<int:post_id>")
def show(post_id: int):
    """A post with its replies and the reply form."""
    post = store.get_post(_db(), post_id) or abort(404)
    return _render_post(post, ReplyForm())


@bp.post("/<int:post_id>/reply")
def reply(post_id: int):
    """Reply to a post; on bad input show the post again with the typed text kept."""
    post = store.get_post(_db(), post_id) or abort(404)
    form = ReplyForm()
    if not form.validate_on_submit():
        return _render_post(post, form)
    store.add_reply(_db(), post_id, current_user.id, form.body.data, web.now())
    flash("Your reply is posted.", "success")
    return redirect(url_for("bulletin.show", post_id=post_id))


@bp.route("/<int:post_id>/edit", methods=["GET", "POST"])
def edit(post_id: int):
    """Change a post (your own; the administrator any). Bad input, or a post changed by
    someone else since the form was opened, shows the form again with the typed text."""
    post = store.get_post(_db(), post_id) or abort(404)
    if not _may_change(post.author_id):
        abort(403)
    form = EditPostForm()
    if request.method == "GET":
        form.title.data, form.body.data, form.seen.data = post.title, post.body, post.revision
        return _render_edit(form, post)
    if not form.validate_on_submit():
        return _render_edit(form, post)
    seen = row_id(form.seen.data)
    saved = store.edit_post(
        _db(),
        post_id,
        current_user.id,
        form.title.data.strip(),
        form.body.data,
        web.now(),
        -1 if seen is None else seen,  # no revision given: treated as a stale form
    )
    if not saved:
        current = store.get_post(_db(), post_id) or abort(404)  # deleted meanwhile
        form.seen.data = current.revision  # Save again means: mine over theirs, knowingly
        return _render_edit(form, current, conflict=True)
    flash("The post is saved.", "success")
    return redirect(url_for("bulletin.show", post_id=post_id))


def _render_edit(form: EditPostForm, post: store.Post, conflict: bool = False):
    names = names_by_id(get_db("system.db"), {post.author_id, post.edited_by or post.author_id})
    status = 409 if conflict else form_status(form)
    return render_template(
        "bulletin/edit.html", form=form, post=post, names=names, conflict=conflict
    ), status


@bp.post("/<int:post_id>/delete")
def delete(post_id: int):
    """Delete a post (your own) with its replies."""
    post = store.get_post(_db(), post_id) or abort(404)
    if not _may_change(post.author_id):
        abort(403)
    store.delete_post(_db(), post_id)
    flash(f"Deleted “{post.title}”.", "success")
    return redirect(url_for("bulletin.index"))


@bp.post("/reply/<int:reply_id>/delete")
def delete_reply(reply_id: int):
    """Delete a reply (your own)."""
    found = store.get_reply(_db(), reply_id) or abort(404)
    if not _may_change(found.author_id):
        abort(403)
    store.delete_reply(_db(), reply_id)
    flash("Reply deleted.", "success")
    return redirect(url_for("bulletin.show", post_id=found.post_id))
