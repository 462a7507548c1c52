"""The reference for bench/portal_page_bench.py: a minimal Flask app (one route, a small
HTML answer), served by waitress with the settings `python -m portal` uses.

Usage: python bench/minimal_app.py PORT"""

from __future__ import annotations

import sys

import waitress
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "<!doctype html><title>Hello</title><p>Hello, office.</p>"


if __name__ == "__main__":
    # As portal/__main__.py serves the portal: 8 threads, the same host.
    waitress.create_server(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8).run()
