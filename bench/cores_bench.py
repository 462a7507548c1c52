"""Benchmark (issue 22, item 6): is pinning the serving threads to one core
(portal/cores.py, SERVE_ON_ONE_CORE) worth keeping, or do fewer waitress threads do as
well without it?

One portal instance (the demo organisation, Alice a member who skipped today's backup,
so the reminder hook decides on every request), served by `python -m portal` in each
shape below, one server at a time, interleaved rounds of `wrk` on the portal page `/`
with Alice's session. Also each shape confined to one core of the machine (`taskset`),
as a smaller machine would run it.

Usage: python bench/cores_bench.py [--seconds 5] [--rounds 3] [--connections 20]"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from portal_page_bench import prepare, session_cookie, wrk, wrk_arguments  # noqa: E402

from tests.serving import serve  # noqa: E402

# (name, waitress threads, pinned, confined to one core of the machine)
SHAPES = [
    ("8 threads, pinned to one core (SERVE_ON_ONE_CORE on)", 8, True, False),
    ("8 threads, not pinned (the default)", 8, False, False),
    ("4 threads, not pinned", 4, False, False),
    ("2 threads, not pinned", 2, False, False),
    ("8 threads, the whole process on one core (taskset)", 8, False, True),
]


def main() -> None:
    args = wrk_arguments(__doc__.splitlines()[0])
    results: dict[str, list[dict]] = {}
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="cores-bench-") as folder:
        instance = Path(folder) / "instance"
        prepare(instance)
        for _ in range(args.rounds):  # interleaved: drift weighs on all alike
            for name, threads, pinned, one_core in SHAPES:
                env = {"PORTAL_TIMEZONE": "UTC", "PORTAL_SERVE_ON_ONE_CORE": str(pinned).lower()}
                prefix = ["taskset", "-c", "0"] if one_core else []
                with serve(instance, "--threads", str(threads), env=env, prefix=prefix) as (
                    url,
                    _,
                ):
                    cookie = session_cookie(url)
                    wrk(url + "/", 1, args.connections, cookie)  # warm up
                    results.setdefault(name, []).append(
                        wrk(url + "/", args.seconds, args.connections, cookie)
                    )
    print(
        f"\nMachine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average {load[0]:.2f} at the start, "
        f"{datetime.now():%Y-%m-%d}. `wrk -t2 -c{args.connections} -d{args.seconds:g}s` on "
        f"`/` (the reminder hook deciding), {args.rounds} interleaved rounds, medians.\n"
    )
    first = statistics.median(r["rps"] for r in results[SHAPES[0][0]])
    print("| serving shape | requests/s | ÷ pinned | p50 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for name, rounds in results.items():
        rps = statistics.median(r["rps"] for r in rounds)
        p50 = statistics.median(r["p50"] for r in rounds)
        p99 = statistics.median(r["p99"] for r in rounds)
        errors = sum(r["errors"] for r in rounds)
        print(f"| {name} | {rps:.0f} | {rps / first:.2f} | {p50:.1f} | {p99:.1f} | {errors} |")


if __name__ == "__main__":
    main()
