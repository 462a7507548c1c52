"""`python -m portal`: serve the portal with waitress (on Windows behind IIS too)."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sqlite3
import sys
from pathlib import Path

# EADDRINUSE; Windows says WSAEADDRINUSE (10048).
_ADDRESS_IN_USE = {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", errno.EADDRINUSE)}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line of `python -m portal`."""
    parser = argparse.ArgumentParser(prog="python -m portal", description=__doc__)
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--instance",
        type=Path,
        help="instance folder (default: $PORTAL_INSTANCE_PATH or ./instance)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="load the sample organisation into an empty instance"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=8,
        help="waitress worker threads (default: %(default)s)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Prepare the instance, show what a new site needs to know, then serve."""
    args = parse_args(argv)
    if args.instance:
        os.environ["PORTAL_INSTANCE_PATH"] = str(args.instance.resolve())

    import waitress

    from portal import create_app, startup
    from portal.setting_error import SettingError

    try:
        app = create_app()
    except SettingError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    try:
        # Listen first: a busy port is said before anything else, and nothing else runs.
        server = waitress.create_server(
            app, host=args.host, port=args.port, threads=args.threads, ident="portal"
        )
    except OSError as exc:
        if exc.errno in _ADDRESS_IN_USE:
            print(
                f"Error: port {args.port} on {args.host} is already in use (another portal, "
                "or another program). Stop it, or start with another --port.",
                file=sys.stderr,
            )
        else:
            print(f"Error: cannot listen on {args.host}:{args.port} ({exc}).", file=sys.stderr)
        return 1
    startup.open_instance(app)  # made on the first start, upgraded after an update
    try:
        _prepare_site(app, args.demo)
    except sqlite3.Error as exc:
        # A full disk or a missing system.db must not keep the portal from serving: its
        # pages say what is wrong, and the administrator can restore from a copy.
        print(f"Warning: the data could not be prepared ({exc}); serving anyway.", flush=True)
    startup.start_scheduler(app)  # the automatic backup at night; one process leads
    print(
        f"Serving {app.config['PORTAL_NAME']} at http://{args.host}:{args.port}/ "
        f"(instance: {app.instance_path}). Press Ctrl+C to stop.",
        flush=True,
    )
    logging.basicConfig()  # waitress reports its own troubles through logging
    from portal import cores
    from portal.web import backup_jobs_of

    cores.serve_on_one_core(app)  # last: threads started before it keep every core
    backup_jobs_of(app).thread_start = cores.every_core  # a backup job uses every core
    server.run()
    return 0


def _prepare_site(app, demo: bool) -> None:
    """A new admin password shown once, and the demo organisation if asked for."""
    from portal import demo as sample
    from portal import web
    from portal.cli.common import ACTOR
    from portal.cli.demo import print_demo_people
    from portal.data_health import problems
    from portal.passwords import admin_password_is_generated, ensure_admin_password

    found = problems(web.instance_of(app))
    for problem in found.values():
        print(f"Warning: {problem}", flush=True)
    if "system.db" in found:
        return
    with app.app_context():
        conn = web.get_db("system.db")
        password = ensure_admin_password(conn, web.now())
        change = web.instance_of(app).command("set-admin-password")
        if password:
            print(
                f"A new admin password was made for the Administrator (login: admin): {password}\n"
                f"  It is shown only this once. Change it with: {change}",
                flush=True,
            )
        elif admin_password_is_generated(conn):
            print(
                "The admin password (login: admin) is still the one made at the first start "
                f"and shown then.\n  Choose your own, or set a new one if it is lost, with: "
                f"{change}",
                flush=True,
            )
        if demo:
            people = sample.load_into_empty(web.instance_of(app), ACTOR)
            if people is None:
                print("Demo: this instance already has people; nothing loaded.", flush=True)
            else:
                print_demo_people(people)


if __name__ == "__main__":
    sys.exit(main())
