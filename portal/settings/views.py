"""System Settings. For now the administrator's overview of people and data files;
Data Backup and Schedule Data Backup join it with admin re-authentication."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from portal.datafiles import DATA_FILES
from portal.db import data_path
from portal.users import list_groups, list_users
from portal.web import system_db

bp = Blueprint("settings", __name__, url_prefix="/settings")


@bp.before_request
@login_required
def require_admin():
    """System Settings belong to the Administrator."""
    if not current_user.is_admin:
        abort(403, "System Settings are for the Administrator. Log in as Administrator (admin).")


@bp.get("/")
def index():
    """People, groups and the data files."""
    conn = system_db()
    files = [(spec, data_path(spec.name)) for spec in DATA_FILES]
    return render_template(
        "settings/index.html",
        users=list_users(conn),
        groups=list_groups(conn),
        files=[(spec, path, path.stat().st_size if path.exists() else 0) for spec, path in files],
    )
