"""The WSGI entry point for any WSGI server: `waitress-serve wsgi:app`, gunicorn, ...
It also starts the scheduler for the automatic backup (one process leads at a time)."""

from portal import create_app
from portal.nightly import runner

app = create_app()
runner.start(app)
