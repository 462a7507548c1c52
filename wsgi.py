"""The WSGI entry point for any WSGI server: `waitress-serve wsgi:app`, gunicorn, ...
It opens the instance (made on the first start, upgraded after an update) and starts the
scheduler for the automatic backup (one process leads at a time)."""

from portal import create_app, startup

app = create_app()
startup.open_instance(app)
startup.start_scheduler(app)
