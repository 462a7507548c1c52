"""The reference for bench/portal_page_bench.py: a minimal Flask app (one route, a small
HTML answer), served by waitress with the settings `python -m portal` uses: 8 threads,
and (on Linux) the serving threads on one core when PORTAL_SERVE_ON_ONE_CORE is on, as
for the portal (portal/cores.py; it doubles this app's requests a second too). Off by
default since issue 22, as for the portal: the reference and the portal are always
served in the same shape.

Usage: python bench/minimal_app.py PORT"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import waitress
from flask import Flask

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from portal import cores  # noqa: E402

app = Flask(__name__)
# The portal's own setting, read the way create_app reads PORTAL_* variables (as JSON).
app.config["SERVE_ON_ONE_CORE"] = json.loads(os.environ.get("PORTAL_SERVE_ON_ONE_CORE", "false"))


@app.get("/")
def hello() -> str:
    return "<!doctype html><title>Hello</title><p>Hello, office.</p>"


if __name__ == "__main__":
    # As portal/__main__.py serves the portal: 8 threads, the same host, the same cores.
    server = waitress.create_server(app, host="127.0.0.1", port=int(sys.argv[1]), threads=8)
    cores.serve_on_one_core(app)
    server.run()
