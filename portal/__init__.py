"""The Office Portal: an intranet portal for small offices, with Data Backup."""

from __future__ import annotations

from flask import Flask

from portal import clock, error_pages, filters, forms, security, web
from portal.bring_back.recently_deleted import RecentlyDeleted
from portal.config import Defaults, check_settings
from portal.data_backup import bootstrap as data_backup_bootstrap
from portal.data_backup.jobs import JobBoard
from portal.instance import Instance, locate, resolve_instance_path
from portal.notify import lockouts
from portal.web import RowIdConverter


def create_app(test_config: dict | None = None) -> Flask:
    """Build and configure the portal; touch no file. Settings in layers: defaults,
    <instance>/config.py, PORTAL_* environment variables, then `test_config`.

    Opening the instance (making it on the first start, upgrading its data files, the
    Administrator) is the entry points' step, as in flaskr: `python -m portal`, `wsgi.py`
    and the command that runs call portal.startup.open_instance. So building an app for a
    test, for `flask --help` or for a WSGI server's import changes nothing on disk. A
    setting the portal cannot use raises SettingError, which `flask` says as "Error: ..."."""
    instance_path = resolve_instance_path(test_config)
    app = Flask(__name__, instance_path=str(instance_path), instance_relative_config=True)
    app.url_map.converters["int"] = RowIdConverter
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PORTAL")
    if test_config:
        app.config.from_mapping(test_config)
    check_settings(app.config)
    # The composition root: the instance (folders, settings, clock, log) and the Data
    # Backup service are built once here, and handed to the services from here on
    # (portal/web.py binds them to the app for the pages and commands).
    locate(instance_path, app.config)  # where the data and the copies are; the secret key
    instance = Instance(instance_path, app.config, clock.from_settings(app.config), app.logger)
    web.init_app(app, instance)
    app.extensions[web.DATA_BACKUP] = service = data_backup_bootstrap.build(instance)
    app.extensions[web.BACKUP_JOBS] = JobBoard(service)  # the pages' backups in background
    app.extensions[web.RECENTLY_DELETED] = RecentlyDeleted(instance, service)

    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    error_pages.init_app(app)
    filters.init_app(app)
    forms.init_app(app)
    security.init_app(app)
    lockouts.init_app(instance)  # the notice when a login is locked out (auth's signal)
    if app.config["PROXY_COUNT"]:
        # Behind IIS or nginx: take the client's address from X-Forwarded-For, trusting
        # exactly as many proxies as the site has, so throttling sees real addresses.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    return app


def register_extensions(app: Flask) -> None:
    """Bind Flask-Login and CSRF protection."""
    from portal.extensions import csrf, login_manager

    login_manager.init_app(app)
    csrf.init_app(app)


def register_blueprints(app: Flask) -> None:
    """The portal page, login, the three apps, System Settings, every Data Backup page
    (the members' Backup page and the administrator's Data Backup page), and the
    reminder's hook that sends members to the Backup page in the afternoon."""
    from portal.apps.bulletin.views import bp as bulletin_bp
    from portal.apps.scheduler.views import bp as scheduler_bp
    from portal.apps.todo.views import bp as todo_bp
    from portal.auth.views import bp as auth_bp
    from portal.data_backup_pages.routes import bp as data_backup_bp
    from portal.home.views import bp as home_bp
    from portal.reminder import hook
    from portal.settings.blueprint import bp as settings_bp

    blueprints = (
        home_bp,
        auth_bp,
        scheduler_bp,
        bulletin_bp,
        todo_bp,
        settings_bp,
        data_backup_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    # Browsers ask every site for /favicon.ico: one of the static files, at the root.
    app.add_url_rule(
        "/favicon.ico",
        endpoint="static",
        view_func=app.view_functions["static"],
        defaults={"filename": "favicon.ico"},
    )
    hook.init_app(app)


def register_cli(app: Flask) -> None:
    """The operator commands (flask --app portal ...)."""
    from portal.cli import register

    register(app)
