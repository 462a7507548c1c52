"""Issue 14, checked as far as Linux allows: what an IIS administrator runs to set up the
pool, the site and the backup task (deploy/iis/setup-iis.ps1, backup-task.xml,
backup-if-due.cmd) agrees with web.config, the README and the commands that exist; the
Windows path forms every path setting may take are understood. PowerShell, appcmd and
Task Scheduler cannot run here: their files are parsed and cross-checked instead."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path, PureWindowsPath

import pytest

from portal import create_app
from portal.__main__ import parse_args
from portal.instance import flask_command
from tests.serving import ROOT

IIS = ROOT / "deploy" / "iis"
TASK_NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}


def _web_config():
    return ET.parse(IIS / "web.config").getroot()  # noqa: S314 - our own file


def _root() -> PureWindowsPath:
    """The portal folder web.config names (C:\\OfficePortal), from its python.exe."""
    python = PureWindowsPath(
        _web_config().find("./system.webServer/httpPlatform").get("processPath")
    )
    assert python.parts[-3:] == (".venv", "Scripts", "python.exe")
    return python.parents[2]


def _task():
    return ET.parse(IIS / "backup-task.xml").getroot()  # noqa: S314 - our own file


def test_web_config_warms_the_portal_up_after_every_start_and_recycle():
    init = _web_config().find("./system.webServer/applicationInitialization")
    assert init is not None and init.get("doAppInitAfterRestart") == "true"
    assert [a.get("initializationPage") for a in init.iter("add")] == ["/login"]


def test_the_warm_up_page_answers_without_a_visitor(client):
    assert client.get("/login").status_code == 200


def test_the_task_runs_the_safety_net_every_15_minutes_as_system():
    task = _task()
    trigger = task.find("./t:Triggers/t:CalendarTrigger", TASK_NS)
    assert trigger.find("./t:Repetition/t:Interval", TASK_NS).text == "PT15M"
    assert trigger.find("./t:Repetition/t:Duration", TASK_NS).text == "P1D"
    assert trigger.find("./t:ScheduleByDay/t:DaysInterval", TASK_NS).text == "1"
    assert task.find("./t:Principals/t:Principal/t:UserId", TASK_NS).text == "S-1-5-18"
    settings = task.find("./t:Settings", TASK_NS)
    assert settings.find("./t:MultipleInstancesPolicy", TASK_NS).text == "IgnoreNew"
    assert settings.find("./t:StartWhenAvailable", TASK_NS).text == "true"
    exec_ = task.find("./t:Actions/t:Exec", TASK_NS)
    root = _root()
    assert PureWindowsPath(exec_.find("./t:WorkingDirectory", TASK_NS).text) == root
    command = PureWindowsPath(exec_.find("./t:Command", TASK_NS).text)
    assert command == root / "deploy" / "iis" / "backup-if-due.cmd"
    assert (ROOT / Path(*command.relative_to(root).parts)).is_file()


def test_the_task_script_runs_backup_run_if_due_on_web_configs_instance():
    text = (IIS / "backup-if-due.cmd").read_text(encoding="ascii")
    # Checked out with Windows line ends (cmd.exe mis-reads some LF-only batch files).
    assert "*.cmd text eol=crlf" in (ROOT / ".gitattributes").read_text()
    assert 'cd /d "%~dp0..\\.."' in text  # the portal folder: `--app portal` imports from it
    assert 'set "PORTAL_INSTANCE_PATH=%CD%\\instance"' in text
    assert '"%CD%\\.venv\\Scripts\\python.exe" -m flask --app portal backup run --if-due' in text
    platform = _web_config().find("./system.webServer/httpPlatform")
    args = platform.get("arguments").replace("%HTTP_PLATFORM_PORT%", "1").split()
    assert PureWindowsPath(args[args.index("--instance") + 1]) == _root() / "instance"
    # The command exists as written, with that option.
    helped = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "portal", "backup", "run", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert helped.returncode == 0 and "--if-due" in helped.stdout


def test_the_setup_script_sets_every_pool_and_site_setting_the_guide_names():
    script = (IIS / "setup-iis.ps1").read_text(encoding="utf-8")
    defaults = dict(re.findall(r'\[string\]\$(\w+) = "([^"]*)"', script))
    assert PureWindowsPath(defaults["Root"]) == _root()
    assert defaults["Pool"] == "OfficePortal" and defaults["RecycleAt"] == "03:30:00"
    for setting in (
        '"/managedRuntimeVersion:"',
        '"/startMode:AlwaysRunning"',
        '"/processModel.idleTimeout:00:00:00"',
        '"/processModel.maxProcesses:1"',
        '"/recycling.disallowOverlappingRotation:true"',
        '"/recycling.periodicRestart.time:00:00:00"',
        "recycling.periodicRestart.schedule.[value='$RecycleAt']",
        '"/applicationDefaults.preloadEnabled:true"',
        "Install-WindowsFeature Web-AppInit",
        "IIS-ApplicationInit",
        '"/XML", "$Root\\deploy\\iis\\backup-task.xml"',
        '"/physicalPath:$Root\\deploy\\iis"',
    ):
        assert setting in script, setting
    guide = (ROOT / "docs" / "deploy-iis.md").read_text(encoding="utf-8")
    for name in (
        "setup-iis.ps1",
        "backup-task.xml",
        "backup-if-due.cmd",
        "Office Portal backup if due",
    ):
        assert name in guide, name
    assert "IIS AppPool\\OfficePortal" in guide
    assert "What was and was not tried on Windows" in guide


WINDOWS_PATHS = [
    r"C:\OfficePortal\instance",
    r"\\nas\backups\portal",
    "D:\\" + "\\".join(["a folder with a long name"] * 12),  # over 260 characters
]


@pytest.mark.parametrize("path", WINDOWS_PATHS, ids=["drive", "unc", "long"])
def test_windows_path_forms_in_every_path_setting(path, monkeypatch):
    from portal.data_backup_pages.forms import OffsiteForm

    windows = PureWindowsPath(path)
    assert windows.is_absolute()
    if "long" in path:
        assert len(path) > 260
    # --instance (web.config, the task script): kept whole.
    assert PureWindowsPath(str(parse_args(["--instance", path]).instance)) == windows
    # The hints the portal prints name the instance as cmd.exe needs it.
    monkeypatch.setattr("portal.instance.WINDOWS", True)
    assert flask_command(windows, "backup list") == (
        f'set "PORTAL_INSTANCE_PATH={path}" && flask --app portal backup list'
    )
    # BACKUP_DIR: the copies' places are made by joining, which keeps the form whole.
    from portal.backup.layout import Layout

    assert Layout(windows).slot("todo.db", 3) == windows / "3" / "todo.db"
    assert Layout(windows).slot("todo.db", 0) == windows / "todo.db"
    assert str(Layout(windows).pre_restore).startswith(path)
    # The off-site folder on the Data Backup page: a whole path is accepted as typed.
    app = create_app({"TESTING": True, "INSTANCE_PATH": "/tmp/unused-instance-path"})
    with app.test_request_context():
        form = OffsiteForm(formdata=None, folder=path)
        form.validate_folder(form.folder)
        relative = OffsiteForm(formdata=None, folder=r"backups\portal")
        with pytest.raises(Exception, match="Give the whole path"):
            relative.validate_folder(relative.folder)
