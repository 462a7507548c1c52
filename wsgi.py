"""The WSGI entry point for any WSGI server: `waitress-serve wsgi:app`, gunicorn, ..."""

from portal import create_app

app = create_app()
