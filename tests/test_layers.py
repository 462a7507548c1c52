"""The layout holds: the import-linter contracts in pyproject.toml (the layers, no
import cycles between packages at any depth, an engine without Flask) are kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.serving import ROOT


def test_the_import_contracts_are_kept():
    result = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 6 kept, 0 broken." in result.stdout


def test_every_module_of_the_portal_is_in_a_layer():
    """A module the layers contract does not name is a module the checker cannot see
    (issue 22: `paging` and `cores` were outside it). The entry points (`__main__`,
    `__init__`) stand above every layer."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = [
        c["layers"] for c in config["tool"]["importlinter"]["contracts"] if c["id"] == "layers"
    ]
    named = {name.strip() for layer in layers for name in layer.split("|")}
    top = {
        f"portal.{path.stem}"
        for path in (ROOT / "portal").iterdir()
        if (path.suffix == ".py" or (path / "__init__.py").is_file())
        and path.stem not in ("__init__", "__main__")
    }
    assert sorted(top - named) == []


# The web layer and the entry points: the modules that may know Flask (issue 22). Every
# other module of the portal is below the web layer and must be one that a "no Flask"
# contract checks, so a new service module cannot slip past the checker.
WEB_PACKAGES = ("portal.cli", "portal.home", "portal.settings", "portal.data_backup_pages")
WEB_MODULES = (
    "portal",
    "portal.__main__",
    "portal.startup",
    "portal.web",
    "portal.filters",
    "portal.error_pages",
    "portal.forms",
    "portal.security",
    "portal.extensions",
    "portal.cores",
    "portal.apps",  # the package itself, and each app's views and forms below
    "portal.apps.bulletin",
    "portal.apps.scheduler",
    "portal.apps.todo",
    "portal.apps.bulletin.views",
    "portal.apps.bulletin.forms",
    "portal.apps.scheduler.views",
    "portal.apps.scheduler.forms",
    "portal.apps.todo.views",
    "portal.apps.todo.forms",
    "portal.apps.recently_deleted_pages",  # the two apps' Recently deleted pages
)


def _portal_modules() -> set[str]:
    found = set()
    for path in (ROOT / "portal").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def test_every_module_below_the_web_layer_is_checked_for_flask():
    """Issue 22: no module below the web layer imports flask. The contracts name packages;
    this names every module, and each must fall under a contract forbidding Flask (its
    own web modules, named in the contract's ignore_imports, are the only exceptions)."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    checked, exempt = [], set()
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract["type"] == "forbidden" and "flask" in contract["forbidden_modules"]:
            checked += contract["source_modules"]
            exempt |= {rule.split(" -> ")[0] for rule in contract.get("ignore_imports", [])}

    def covered(module: str) -> bool:
        return any(module == top or module.startswith(top + ".") for top in checked)

    below_web = {
        module
        for module in _portal_modules() - set(WEB_MODULES)
        if not module.startswith(tuple(package + "." for package in WEB_PACKAGES))
        and module not in WEB_PACKAGES
    }
    assert "portal.nightly.runner" in below_web and "portal.db" in below_web
    assert sorted(m for m in below_web if not covered(m)) == []
    # What is exempt is web by nature: a request hook, the login pages and their guard.
    assert exempt == {
        "portal.reminder.hook",
        "portal.auth.views",
        "portal.auth.forms",
        "portal.auth.elevation",
        "portal.auth.settings_guard",
        "portal.passwords",  # werkzeug.security's scrypt only
    }


def test_no_module_is_above_300_lines():
    """Small modules (issue 12): a module that grows past 300 lines is split by what it does."""
    long = {
        str(path.relative_to(ROOT)): count
        for path in (ROOT / "portal").rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > 300
    }
    assert not long, long


def test_no_test_imports_a_conftest():
    """Fixtures come from pytest, helpers from helper modules (tests/helpers.py,
    tests/browser/shots.py): importing a conftest runs it twice under two names."""
    importing = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if path.name != "test_layers.py"
        and any(
            line.startswith(("from tests.conftest", "from tests.browser.conftest"))
            or line.startswith("import tests.conftest")
            or ("conftest import" in line and line.lstrip().startswith("from "))
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    ]
    assert not importing, importing


def test_each_url_prefix_belongs_to_one_blueprint(app):
    """Issue 22: two blueprints shared /backup (the Backup page's and Skip's), so a
    newcomer looking for the Backup page found half of it. Every first path segment is
    one blueprint's, but /settings: System Settings holds the Data Backup page, which is
    Data Backup's blueprint (portal/data_backup_pages/); there each second segment is one
    blueprint's."""
    owners: dict[tuple[str, ...], set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or "." not in rule.endpoint:
            continue
        segments = rule.rule.strip("/").split("/")
        prefix = tuple(segments[:2]) if segments[0] == "settings" else tuple(segments[:1])
        if prefix != ("",):
            owners.setdefault(prefix, set()).add(rule.endpoint.split(".")[0])
    shared = {prefix: names for prefix, names in owners.items() if len(names) > 1}
    assert not shared
    assert owners[("backup",)] == {"data_backup"}
    assert owners[("settings", "data-backup")] == {"data_backup"}


def test_every_data_backup_page_is_in_one_package_behind_its_guard(app):
    """The members' Backup page and the administrator's Data Backup page are one
    package's, each route with the guard the table gives it; the afternoon reminder never
    forwards from the members' pages (its list is the table's)."""
    from portal.auth.settings_guard import system_settings_only
    from portal.data_backup_pages import backup_page, routes
    from portal.reminder import hook

    for rule in app.url_map.iter_rules():
        path = rule.rule
        if path.startswith(("/backup", "/settings/data-backup")):
            assert rule.endpoint.startswith("data_backup."), path
    who = {f"data_backup.{endpoint}": guard for _, endpoint, _, _, guard in routes.ROUTES}
    assert all(g in (backup_page.members_only, system_settings_only) for g in who.values())
    assert hook.EXEMPT_ENDPOINTS - {"static"} == routes.MEMBERS_PAGES


# A name that every feature package may have, for the same kind of thing in each: its
# pages (views), forms, store, rules, errors (its exceptions), verify (its copies' check),
# service (the doors it offers the pages and commands: data_backup/, bring_back/).
# The commands in portal/cli/ are named for what they command (cli/users.py: `user ...`).
PER_PACKAGE_ROLES = {
    "views.py",
    "forms.py",
    "store.py",
    "rules.py",
    "errors.py",
    "verify.py",
    "service.py",
}


def test_no_two_modules_share_a_name_for_different_things():
    """Issue 22: data_backup/notices.py (Data Backup's alarms in words) and
    notify/notices.py (sending them) were both notices.py; portal/errors.py (error pages)
    sat beside two errors.py of exceptions."""
    portal = Path(ROOT) / "portal"
    by_name: dict[str, list[Path]] = {}
    for module in portal.rglob("*.py"):
        if module.name != "__init__.py" and module.parent.name != "cli":
            by_name.setdefault(module.name, []).append(module.relative_to(portal))
    shared = {
        name: paths
        for name, paths in by_name.items()
        if len(paths) > 1 and name not in PER_PACKAGE_ROLES
    }
    assert not shared
    errors = [p for p in by_name["errors.py"] if p.parent == Path(".")]
    assert not errors, "portal/errors.py would be a third errors.py, of pages not exceptions"
