"""The Office Portal: an intranet portal for small offices, with Data Backup."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from flask import Flask

from portal import clock, data_health, db, errors, filters, instance, security
from portal.config import Defaults
from portal.web import RowIdConverter


def create_app(test_config: dict | None = None) -> Flask:
    """Build the portal. Settings in layers: defaults, <instance>/config.py,
    PORTAL_* environment variables, then `test_config`."""
    instance_path = instance.resolve_instance_path(test_config)
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    app.url_map.converters["int"] = RowIdConverter
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PORTAL")
    if test_config:
        app.config.from_mapping(test_config)

    clock.init_app(app)
    db.init_app(app)
    if _loaded_by_flask_cli() and not test_config:
        # `flask --app portal ...`: only find the instance. Listing the commands or their
        # --help must not make one; the command that runs opens it (portal.cli).
        instance.locate(app)
    else:
        open_instance(app)

    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    errors.init_app(app)
    filters.init_app(app)
    security.init_app(app)
    if app.config["PROXY_COUNT"]:
        # Behind IIS or nginx: take the client's address from X-Forwarded-For, trusting
        # exactly as many proxies as the site has, so throttling sees real addresses.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app


def _loaded_by_flask_cli() -> bool:
    """Whether the `flask` command is loading the app (to list or run a command)."""
    import click
    from flask.cli import ScriptInfo

    context = click.get_current_context(silent=True)
    return context is not None and context.find_object(ScriptInfo) is not None


def open_instance(app: Flask, create: bool = True) -> None:
    """Make the instance ready: its folders and secret key (when `create`), every data
    file upgraded to the current schema, the Administrator present. Data files are made
    once: on the very first start (neither data files nor copies), or by `init`. What
    was changed is kept for `init` to report."""
    if app.extensions.get("portal.opened"):
        return
    if create:
        instance.prepare(app)
    else:
        instance.locate(app)
    new = create and data_health.is_new_instance(
        Path(app.config["DATA_DIR"]), Path(app.config["BACKUP_DIR"])
    )
    app.extensions["portal.schema_report"] = db.migrate_all(app, create=new)
    _reserve_orphan_ids(app)
    _ensure_admin(app)
    app.extensions["portal.opened"] = True


def _reserve_orphan_ids(app: Flask) -> None:
    """Once, when system.db starts keeping removed people: the ids that people removed
    before still have in the other data files are never given to anyone else."""
    from portal import people

    before, after = app.extensions["portal.schema_report"].get("system.db", (0, 0))
    if 0 < before < people.KEEPS_REMOVED <= after:
        try:
            people.reserve_orphan_ids(app, app.extensions["portal.clock"].now())
        except sqlite3.Error as exc:
            app.logger.error("ids of people removed before could not be reserved: %s", exc)


def _ensure_admin(app: Flask) -> None:
    from portal.users import ensure_admin

    if "system.db" in data_health.problems(app):
        return  # the portal starts and says what is wrong with system.db
    with app.app_context():
        try:
            ensure_admin(db.get_db("system.db"), clock.now())
        except sqlite3.DatabaseError as exc:
            app.logger.error("system.db could not be prepared: %s", exc)


def register_extensions(app: Flask) -> None:
    """Bind Flask-Login and CSRF protection."""
    from portal.extensions import csrf, login_manager

    login_manager.init_app(app)
    csrf.init_app(app)


def register_blueprints(app: Flask) -> None:
    """The portal page, login, the three apps, System Settings, the Backup page and
    the reminder's hook."""
    from portal.apps.bulletin.views import bp as bulletin_bp
    from portal.apps.scheduler.views import bp as scheduler_bp
    from portal.apps.todo.views import bp as todo_bp
    from portal.auth.views import bp as auth_bp
    from portal.home.views import bp as home_bp
    from portal.reminder import hook
    from portal.reminder.views import bp as reminder_bp
    from portal.settings.views import bp as settings_bp

    blueprints = (home_bp, auth_bp, scheduler_bp, bulletin_bp, todo_bp, settings_bp, reminder_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    hook.init_app(app)


def register_cli(app: Flask) -> None:
    """The operator commands (flask --app portal ...)."""
    from portal.cli import register

    register(app)
