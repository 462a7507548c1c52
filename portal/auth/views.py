"""Log in and Log out."""

from __future__ import annotations

from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from portal import web
from portal.auth import lockout, sessions
from portal.auth.elevation import reauth_period
from portal.auth.forms import LoginForm
from portal.auth.login import attempt
from portal.extensions import login_manager
from portal.security import safe_next
from portal.users import list_groups, list_users
from portal.web import current_instance, form_status, get_db, log_event

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(token: str):
    """Flask-Login's loader: the session token must name a live session row."""
    return sessions.load(get_db("system.db"), token, web.now())


def _typed_login(form: LoginForm) -> str:
    """The login name typed, or the one picked from the list (the list's values are
    login names: no internal id appears on a page anyone can open)."""
    return ((form.login.data or "").strip() or (form.user.data or ""))[:64]


NO_GROUP = "(No group)"


def _picked_group(groups) -> tuple[str | None, int | None]:
    """The group picked by its name (as the list shows it), and its id for the query."""
    name = request.values.get("group") or None
    if name == NO_GROUP:
        return name, 0
    match = next((g for g in groups if g.name == name), None)
    return (name, match.id) if match else (None, None)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The Office-style login: pick your group, pick your name, type your password."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    conn = get_db("system.db")
    show_names = current_app.config["LOGIN_SHOW_NAMES"]
    groups = list_groups(conn) if show_names else []
    group, group_id = _picked_group(groups)
    people = list_users(conn, group_id) if show_names else []
    if not show_names:
        form.login.label.text = "Login name"
    form.user.choices = [("", "— choose your name —")] + [(u.login, u.name) for u in people]

    if form.validate_on_submit():
        typed = _typed_login(form)
        now = web.now()
        outcome = attempt(
            conn, typed, form.password.data, now, current_app.config, request.remote_addr
        )
        if outcome.user is not None:
            lifetime = timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])
            # The Administrator has just typed the admin password: System Settings
            # need no second prompt for the next ADMIN_REAUTH_MINUTES.
            elevated = now + reauth_period() if outcome.user.is_admin else None
            token = sessions.start(conn, outcome.user.id, now, lifetime, elevated)
            outcome.user.session_token = token
            session.clear()  # nothing from before the login survives into the new session
            login_user(outcome.user)
            log_event("login", "logged in")
            return redirect(safe_next(form.next.data))
        action = "login locked" if outcome.newly_locked else "login failed"
        log_event(action, f"login name {typed[:64]!r}", actor=typed)
        if lockout.admin_password_locked(outcome.newly_locked):
            log_event(*lockout.ADMIN_LOCKED, actor=typed)
        lockout.tell_locked(
            current_instance(), outcome.newly_locked, typed[:64], request.remote_addr
        )
        form.password.errors = [outcome.error]
    return (
        render_template(
            "auth/login.html",
            form=form,
            groups=groups,
            group=group,
            no_group=NO_GROUP,
            show_names=show_names,
        ),
        form_status(form),
    )


@bp.post("/logout")
@login_required
def logout():
    """End this browser's session for good (the cookie cannot be replayed)."""
    log_event("logout", "logged out")
    sessions.end(get_db("system.db"), current_user.session_token)
    logout_user()
    session.clear()
    flash("You have logged out.", "info")
    return redirect(url_for("auth.login"))
