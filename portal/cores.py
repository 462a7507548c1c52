"""The threads that serve requests share one processor core (Linux; elsewhere nothing
changes).

Only one thread runs Python at a time (the GIL), yet waitress's threads, spread over
the cores, hand it to each other across them at every query and every socket write;
on a virtual machine each such hand-over wakes another virtual core. Measured with
bench/portal_page_bench.py on 2 cores: the portal page served 196 requests a second
spread over both, 440 with the serving threads on one (issue 15). Background work a
request starts (a backup run from the Backup button: its copy, check and SHA-256 work
outside the GIL) goes back to every core, so a backup still uses them all.

`python -m portal` applies it when SERVE_ON_ONE_CORE is on (opt-in: measured on a 2-core
VM only, docs/performance.md); wsgi.py, for other servers, leaves the threads as that
server makes them. No service imports this module (an import-linter contract)."""

from __future__ import annotations

import os
import threading

from flask import Flask

_every_core: set[int] | None = None  # the cores the process may use, when pinning
_thread = threading.local()


def can_pin() -> bool:
    return hasattr(os, "sched_setaffinity") and len(os.sched_getaffinity(0)) > 1


def serve_on_one_core(app: Flask) -> None:
    """Pin each thread that serves a request, at its first one, and the calling thread
    (the server's own loop), to the process's first core."""
    global _every_core
    if not app.config["SERVE_ON_ONE_CORE"] or not can_pin():
        return
    _every_core = set(os.sched_getaffinity(0))
    core = {min(_every_core)}
    inner = app.wsgi_app

    def pinned(environ, start_response):
        if not getattr(_thread, "pinned", False):
            os.sched_setaffinity(0, core)  # 0: this thread only, on Linux
            _thread.pinned = True
        return inner(environ, start_response)

    app.wsgi_app = pinned
    os.sched_setaffinity(0, core)


def every_core() -> None:
    """A background thread, started from a request's thread, back on every core."""
    if _every_core:
        os.sched_setaffinity(0, _every_core)
        _thread.pinned = False
