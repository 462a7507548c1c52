"""System Settings > Data Backup, the administrator's page: each data file with its
copies; Create or Update backs up one file, Back up all every file; Verify re-checks
every copy; Restore brings back one generation behind a confirmation screen. No URL
here ever serves a file: the file and generation asked for are checked against the known
lists and only ever used as names."""

from __future__ import annotations

import shutil
from datetime import datetime

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal import data_backup, data_health, web
from portal.backup import GENERATIONS, BackupError
from portal.backup.errors import UnprovenCopy
from portal.backup.layout import copy_words, generation_label
from portal.backup.safety import KEEP, KEEP_DAYS
from portal.backup.state import ledger_notes
from portal.data_backup import offsite_folder, records, restore_words, status
from portal.data_backup_pages import (
    clock_mistake_page,
    offsite_copies,
    open_copy_page,
    recovery_kit_page,
)
from portal.data_backup_pages.forms import FileForm, OffsiteForm, RestoreForm
from portal.datafiles import DATA_FILES
from portal.nightly import store as nightly
from portal.nightly import watch
from portal.offsite import OffsiteError
from portal.web import backup_jobs, current_data_backup, current_instance, get_db, log_event

FILE_NAMES = [spec.name for spec in DATA_FILES]
GENERATION_VALUES = {str(g) for g in range(GENERATIONS + 1)}


def _file(name: str | None) -> str:
    """A data file name from the request, or 404: only the registered names pass."""
    if name not in FILE_NAMES:
        abort(404)
    return name


def _generation(value: str | None) -> int:
    """A generation number 0 to 7 from the request, or 404."""
    # Compared as text: isdigit() would also let through digits of other scripts.
    if value not in GENERATION_VALUES:
        abort(404)
    return int(value)


def index():
    """One row per data file, its copies, the safety copies, and the backup folder with
    its free space; first of all, anything that keeps Data Backup from working."""
    return render_index()


def render_index(offsite_form: OffsiteForm | None = None) -> str:
    """The Data Backup page; `offsite_form` as typed when it is shown again."""
    engine = current_data_backup().engine()
    problems = [str(p) for p in data_health.problems(current_instance()).values()]
    problems += current_data_backup().folder_problems()
    state = None
    try:
        state = engine.state()
        entries, safety = state.entries(), engine.safety_copies()
    except (BackupError, OSError) as exc:
        entries, safety = [], []
        problems.append(str(exc))
    try:
        free = shutil.disk_usage(engine.layout.root).free
    except OSError:
        free = None
    live = {f.name: f for f in status.planned_files(current_data_backup())}
    files = []
    for spec in DATA_FILES:
        copies = [e for e in entries if e.name == spec.name]
        newest = next((e for e in copies if e.generation == "newest"), None)
        files.append({"spec": spec, "live": live[spec.name], "newest": newest, "copies": copies})
    folder = engine.layout.root
    return render_template(
        "data_backup/settings_page.html",
        files=files,
        openable=open_copy_page.OPENABLE,  # the data files whose copies have Open
        members_form=open_copy_page.members_form(),
        folder=folder,
        free=free,
        problems=problems,
        warnings=[
            *current_data_backup().folder_warnings(),
            *(ledger_notes(state) if state is not None else []),
        ],
        safety=safety,
        safety_keep=KEEP,
        safety_days=KEEP_DAYS,
        verify=_last_verify(),
        file_form=lambda name: FileForm(file=name),
        running=backup_jobs().running(),
        automatic=nightly.get_setting(get_db("system.db")),
        automatic_run=records.run_on(get_db("system.db"), web.today()),
        offsite_form=offsite_form or OffsiteForm(formdata=None, folder=_offsite_dir()),
        missed=[
            m.sentence(current_instance().clock.zone)
            for m in watch.missed(current_instance(), get_db("system.db"))
        ],
        **(offsite := offsite_copies.page_context()),
        **clock_mistake_page.page_context(engine, state, offsite["offsite_days"]),
        **recovery_kit_page.page_context(),
    )


def _last_verify() -> dict:
    """The last verification, with its time read (a copy taken after it is not called
    verified by it)."""
    verify = dict(data_backup.last_verify(get_db("system.db")))
    try:
        verify["time"] = datetime.fromisoformat(verify["at"]) if verify.get("at") else None
    except (TypeError, ValueError):
        verify["time"] = None
    return verify


def _offsite_dir() -> str:
    return offsite_folder.configured_dir(get_db("system.db"), current_instance())


def back_up():
    """Create or Update (one file) or Back up all (no file), in the background."""
    form = FileForm()  # CSRFProtect has checked the token of every POST
    names = [_file(form.file.data)] if form.file.data else FILE_NAMES
    job = backup_jobs().start(
        current_user.login,
        current_user.id,
        url_for("data_backup.index"),
        status.job_weights(current_data_backup(), names),
    )
    return redirect(url_for("data_backup.job", job_id=job.id))


def offsite():
    """Save the off-site folder, or Test the one typed (without saving it)."""
    form = OffsiteForm()
    if not form.validate():
        return render_index(offsite_form=form), 400
    folder = (form.folder.data or "").strip()
    if form.test.data:
        if not folder:
            form.folder.errors = ["Type the off-site folder to test."]
            return render_index(offsite_form=form), 400
        try:
            notes = offsite_folder.test_folder(folder, current_instance())
        except OffsiteError as exc:
            form.folder.errors = [str(exc)]
            return render_index(offsite_form=form), 400
        flash(
            f"{offsite_folder.TEST_PASSED.format(folder=folder)} Press Save to use it.", "success"
        )
        for note in notes:
            flash(note, "info")
        return render_index(offsite_form=form)
    try:
        offsite_folder.use_dir(folder, current_instance())
    except OffsiteError as exc:
        form.folder.errors = [str(exc)]
        return render_index(offsite_form=form), 400
    log_event("off-site folder set", folder or "off")
    flash(
        f"Saved. After every backup the newest copies go to {folder}."
        if folder
        else "Saved. The off-site copy is off.",
        "success",
    )
    return redirect(url_for("data_backup.index"))


def job(job_id: str):
    """The progress of a backup started here, then its result."""
    job = backup_jobs().get(job_id) or abort(404)
    return render_template(
        "data_backup/run.html",
        job=job,
        done=None,
        progress_url=url_for("data_backup.job_progress", job_id=job.id),
        back_url=url_for("data_backup.index"),
        # Started by the administrator on Data Backup: the result leads back there.
        continue_label="Back to Data Backup",
        on_data_backup=True,
    )


def job_progress(job_id: str):
    """The progress as JSON, for the page's script."""
    job = backup_jobs().get(job_id) or abort(404)
    return jsonify(job.as_json())


def verify():
    """Re-check every copy and keep the result for the page."""
    try:
        report = current_data_backup().verify(current_user.login, user_id=current_user.id)
    except BackupError as exc:
        flash(str(exc), "error")
        return redirect(url_for("data_backup.index"))
    summary = report.summary()
    flash(summary, "success" if report.ok else "error")
    return redirect(url_for("data_backup.index"))


def restore_confirm():
    """The confirmation screen: what will be replaced, and by what."""
    name = _file(request.args.get("file"))
    if "offsite" in request.args:
        day = offsite_copies.offsite_day(request.args.get("offsite"))
        return _confirm_page(name, 0, offsite_copies.confirm_copy(name, day), day=day)
    generation = _generation(request.args.get("generation"))
    label = generation_label(generation)
    try:
        copies = current_data_backup().engine().generations()
    except BackupError as exc:
        abort(503, str(exc))
    copy = next((e for e in copies if e.name == name and e.generation == label), None) or abort(
        404, f"{name} has no copy at {copy_words(generation)}."
    )
    return _confirm_page(name, generation, copy)


def _confirm_page(name: str, generation: int, copy, unproven: str | None = None, day=None):
    """The confirmation screen; with `unproven`, the second one, for a copy that cannot
    be proven to be the one that was made; with `day`, for an off-site copy."""
    live = next(f for f in status.planned_files(current_data_backup()) if f.name == name)
    # formdata=None: the second confirmation is drawn after a POST, whose fields must
    # not override the ones set here.
    form = RestoreForm(
        formdata=None,
        file=name,
        generation=str(generation),
        force="1" if unproven else "",
        offsite=day.isoformat() if day else "",
    )
    return render_template(
        "data_backup/restore_confirm.html",
        name=name,
        copy=copy,
        live=live,
        form=form,
        unproven=unproven,
        words=copy.words if day else copy_words(generation),
        live_problem=data_health.problems(current_instance()).get(name),
    )


def restore():
    """Restore one data file from one generation (a safety copy is kept first)."""
    form = RestoreForm()  # CSRFProtect has checked the token of every POST
    if form.offsite.data:
        name = _file(form.file.data)
        return offsite_copies.restore_from_offsite(
            name, offsite_copies.offsite_day(form.offsite.data)
        )
    name, generation = _file(form.file.data), _generation(form.generation.data)
    force = form.force.data == "1"
    try:
        result = current_data_backup().restore(
            name, generation, current_user.login, force=force, user_id=current_user.id
        )
    except UnprovenCopy as exc:
        copy = next(
            (
                e
                for e in current_data_backup().engine().generations()
                if e.name == name and e.generation == generation_label(generation)
            ),
            None,
        ) or abort(404)
        return _confirm_page(name, generation, copy, unproven=exc.reason), 409
    except BackupError as exc:
        flash(str(exc), "error")
    else:
        flash(restore_words.restored(result, current_instance().clock.zone), "success")
    return redirect(url_for("data_backup.index"))
