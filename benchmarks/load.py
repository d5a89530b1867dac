"""Load benchmark: the production server (gunicorn, `make serve`) on the demo data under concurrent
clients, against the development server `make demo` used to run with no page cache, in one run.

    .venv/bin/python benchmarks/load.py                      # 20 clients, 3 minutes; baseline 1 minute
    .venv/bin/python benchmarks/load.py --duration 60 --baseline-duration 20
    .venv/bin/python benchmarks/load.py --var-dir /tmp/demo  # reuse demo data built by an earlier run

It builds the demo database as `make demo` does (migrate, reference data, screening rules, the real
CORDIS / EDF / Funding & Tenders demo data, `visd tag`) in a temporary VISD_VAR_DIR (SQLite), then
for each server: starts it on a free local port, lets every client walk the main pages and API
endpoints (ENDPOINTS: registry lists and details, search, the strength map, the match pages, the
matching and registry API, a static file), each client over its own keep-alive connection with a
random pause between requests (--think, seconds, mean; 0 is a closed loop at full speed), and prints
per endpoint the number of requests, errors (a status other than 200, or no answer) and the 50th,
95th and 99th percentile of the response time. Targets of issue 18: 0 errors, p95 at most 300 ms
overall, strength map p95 at most 1 s.

The clients run in this process (threads; they mostly wait on sockets), on the same machine as the
server: they take some of its CPU. Figures on a shared machine are disturbed by whatever else runs;
say so when reporting them.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
VISD = str(BIN / "visd")
GUNICORN = str(BIN / "gunicorn")
DEMO_STEPS = [["migrate", "--noinput"], ["load-reference"], ["load-screening-rules"], ["load-demo"], ["tag"]]

# (name, weight, path template): a template's {actor}, {project}, {call}, {need} are filled per request
# with a record of the demo data, so the clients spread over many records as people do.
ENDPOINTS = [
    ("home", 2, "/"),
    ("actor list", 3, "/actors/"),
    ("actor search", 2, "/actors/?q={word}"),
    ("actor detail", 4, "/actors/{actor}/"),
    ("project list", 2, "/projects/"),
    ("project detail", 3, "/projects/{project}/"),
    ("call list", 2, "/calls/"),
    ("call detail", 2, "/calls/{call}/"),
    ("need list", 1, "/needs/"),
    ("strength map", 2, "/matching/strength/?region={region}"),
    ("call matches", 2, "/matching/call/{call}/"),
    ("need matches", 1, "/matching/need/{need}/"),
    ("actor matches", 2, "/matching/actor/{actor}/"),
    ("partner search", 1, "/matching/partners/?text={word}+{word2}"),
    ("api actors", 2, "/api/actors/?limit=50&offset={offset}"),
    ("api actor", 2, "/api/actors/{actor}/"),
    ("api projects", 1, "/api/projects/?limit=50"),
    ("api calls", 1, "/api/calls/"),
    ("api call matches", 1, "/api/matching/call/{call}/"),
    ("api strength map", 1, "/api/matching/strength-map/?region={region}"),
    ("api text match", 1, "/api/matching/text/?text={word}+{word2}"),
    ("static css", 1, "/static/{css}"),
]
WORDS = ["drone", "radar", "cyber", "border", "explosives", "satellite", "sensor", "crisis", "biometrics",
         "maritime", "firefighting", "communication", "robotics", "forensic", "camera"]
REGIONS = ["flanders", "brussels", "wallonia"]


def run(cmd, env, **kwargs):
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, **kwargs)


def build_demo(env: dict) -> None:
    t0 = time.perf_counter()
    for step in DEMO_STEPS:
        run([VISD, *step], env)
    run([VISD, "collectstatic", "--noinput", "--verbosity", "0"], env)
    print(f"demo data built in {time.perf_counter() - t0:.0f} s", flush=True)


def demo_records(var_dir: Path) -> dict:
    """Identifiers of the demo's records, read straight from the SQLite file."""
    db = sqlite3.connect(f"file:{var_dir / 'visd.sqlite3'}?mode=ro", uri=True)
    try:
        one = lambda sql: [row[0] for row in db.execute(sql)]  # noqa: E731
        return {"actor": one("SELECT id FROM actors_actor ORDER BY id"),
                "project": one("SELECT id FROM projects_project ORDER BY id"),
                "call": one("SELECT topic_id FROM funding_call ORDER BY id"),
                "need": one("SELECT id FROM capabilities_capabilityneed WHERE level = 'item' ORDER BY id"),
                # the stylesheet under its content-hashed name: only those are kept (settings.py)
                "css": json.loads((var_dir / "static" / "staticfiles.json").read_text())["paths"]["visd/visd.css"]}
    finally:
        db.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server stopped (exit code {process.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the server did not answer in time")


@dataclass
class Results:
    times: dict = field(default_factory=lambda: defaultdict(list))   # endpoint -> seconds
    errors: dict = field(default_factory=lambda: defaultdict(int))
    examples: dict = field(default_factory=dict)                      # endpoint -> one error, to show
    retried: dict = field(default_factory=lambda: defaultdict(int))   # endpoint -> requests sent again
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.times[name].append(seconds)
            if error:
                self.errors[name] += 1
                self.examples.setdefault(name, error)


# The server closed a kept-alive connection before the request reached it.
CLOSED_WHILE_IDLE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def client(port: int, records: dict, results: Results, stop_at: float, think: float, seed: int) -> None:
    rng = random.Random(seed)
    names = [e[0] for e in ENDPOINTS]
    weights = [e[1] for e in ENDPOINTS]
    paths = {e[0]: e[2] for e in ENDPOINTS}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    reused = False  # whether the connection has carried a request before
    while time.monotonic() < stop_at:
        name = rng.choices(names, weights)[0]
        path = paths[name].format(
            actor=rng.choice(records["actor"]), project=rng.choice(records["project"]),
            call=rng.choice(records["call"]), need=rng.choice(records["need"]), region=rng.choice(REGIONS),
            word=rng.choice(WORDS), word2=rng.choice(WORDS), offset=50 * rng.randrange(40), css=records["css"])
        t0 = time.perf_counter()
        error = None
        language = rng.choice(["nl", "en"])
        for attempt in (1, 2):
            try:
                conn.request("GET", path, headers={"Accept-Language": language})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    error = f"{response.status} {path}"
                reused = response.getheader("Connection", "").lower() != "close"
                if not reused:
                    conn.close()
                break
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                # A persistent connection the server closed while it was idle (a worker replaced after
                # max_requests closes its idle keep-alive connections): the request never reached it,
                # and a GET is sent again on a new connection, as browsers and urllib3 do (RFC 9112,
                # 9.3.1). Counted apart; any other failure, or a second one, is an error.
                if attempt == 1 and reused and isinstance(exc, CLOSED_WHILE_IDLE):
                    results.retried[name] += 1
                    reused = False
                    continue
                error = f"{type(exc).__name__}: {exc} ({path})"
                reused = False
                break
        results.add(name, time.perf_counter() - t0, error)
        if think:
            time.sleep(rng.uniform(0, 2 * think))
    conn.close()


def server_cpu_seconds(group: int) -> float:
    """CPU time (user + system) used so far by the processes of the server's process group: the
    master, its workers and threads (Linux /proc). Unlike response times it does not grow when other
    work on the machine takes the CPUs, so CPU per request says what the server costs."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:   # pgrp; then utime, stime are fields 11 and 12 after the name
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def percentile(sorted_values: list[float], q: float) -> float:
    """The nearest-rank percentile (q in 0..100) of sorted values.

    >>> percentile([1, 2, 3, 4], 50), percentile([1, 2, 3, 4], 95), percentile([5.0], 99)
    (2, 4, 5.0)
    """
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * q // 100))   # ceiling
    return sorted_values[int(rank) - 1]


def report(title: str, results: Results, seconds: float, cpu: float) -> dict:
    print(f"\n== {title}")
    print(f"{'endpoint':<18} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    every = []
    for name, _, _ in ENDPOINTS:
        values = sorted(results.times.get(name, []))
        every.extend(values)
        print(f"{name:<18} {len(values):>8} {results.errors.get(name, 0):>6} "
              + " ".join(f"{1000 * percentile(values, q):>8.0f}" for q in (50, 95, 99)))
    every.sort()
    errors = sum(results.errors.values())
    summary = {"requests": len(every), "errors": errors, "rate": len(every) / seconds,
               **{f"p{q}": percentile(every, q) for q in (50, 95, 99)},
               "strength_p95": percentile(sorted(results.times.get("strength map", [])), 95)}
    print(f"{'all':<18} {len(every):>8} {errors:>6} "
          + " ".join(f"{1000 * summary[f'p{q}']:>8.0f}" for q in (50, 95, 99))
          + f"   ({summary['rate']:.1f} requests/s)")
    print("machine load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
          + f" on {os.cpu_count()} CPUs (above the CPU count, other work competed with the server)")
    if every:
        print(f"server CPU: {cpu:.0f} s for {len(every)} requests, {1000 * cpu / len(every):.1f} ms a request on "
              f"average: about {os.cpu_count() / (cpu / len(every)):.0f} requests/s would fill {os.cpu_count()} "
              "idle CPUs")
    summary["cpu_per_request"] = cpu / len(every) if every else float("nan")
    retried = sum(results.retried.values())
    print(f"requests sent again on a new connection because the server had closed an idle kept-alive one "
          f"(a replaced worker; browsers do the same): {retried}")
    summary["retried"] = retried
    for name, example in results.examples.items():
        print(f"  first error of {name}: {example}")
    return summary


def measure(title: str, command: list[str], env: dict, port: int, records: dict, args, duration: float) -> dict:
    log = open(Path(env["VISD_VAR_DIR"]) / f"server-{port}.log", "w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_up(port, process)
        # one pass over every endpoint first: a server's start-up work is not what is measured
        warm = Results()
        client(port, records, warm, time.monotonic() + 5, 0, seed=0)
        results = Results()
        stop_at = time.monotonic() + duration
        threads = [threading.Thread(target=client, args=(port, records, results, stop_at, args.think, seed))
                   for seed in range(1, args.clients + 1)]
        t0, cpu0 = time.monotonic(), server_cpu_seconds(process.pid)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return report(f"{title}: {args.clients} clients, {duration:.0f} s, pause {args.think} s mean",
                      results, time.monotonic() - t0, server_cpu_seconds(process.pid) - cpu0)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=180, help="seconds of load on the production server")
    parser.add_argument("--baseline-duration", type=float, default=60,
                        help="seconds of load on the development server (0: no baseline)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--think", type=float, default=0.5,
                        help="mean pause of a client between its requests, seconds (0: none)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn processes (default: its config)")
    parser.add_argument("--var-dir", type=Path, help="demo data built before (default: build it in a temporary one)")
    args = parser.parse_args(argv)

    temporary = None
    var_dir = args.var_dir
    if var_dir is None:
        temporary = tempfile.mkdtemp(prefix="visd-load-")
        var_dir = Path(temporary)
    env = {**os.environ, "VISD_VAR_DIR": str(var_dir.resolve()), "VISD_DEBUG": "0", "VISD_HTTPS": "0",
           "VISD_SECRET_KEY": secrets.token_urlsafe(50), "VISD_ACCESS_LOG": "", "VISD_LOG_LEVEL": "WARNING",
           "DJANGO_SETTINGS_MODULE": "visd.settings"}
    env.pop("DATABASE_URL", None)   # the demo's SQLite file in VISD_VAR_DIR
    try:
        if args.var_dir is None or not (var_dir / "visd.sqlite3").exists():
            build_demo(env)
        else:   # demo data of an earlier run: this version's migrations and static files, as make serve does
            run([VISD, "migrate", "--noinput"], env)
            run([VISD, "collectstatic", "--noinput", "--verbosity", "0"], env)
        records = demo_records(var_dir)
        print(f"demo data: {len(records['actor'])} actors, {len(records['project'])} projects, "
              f"{len(records['call'])} calls, {len(records['need'])} capability items; {os.cpu_count()} CPUs",
              flush=True)
        summaries = {}
        if args.baseline_duration > 0:
            port = free_port()
            summaries["baseline"] = measure(
                "baseline: visd runserver (development server), no page cache",
                [VISD, "runserver", "--noreload", f"127.0.0.1:{port}"],
                {**env, "VISD_MATCHING_CACHE": "off"}, port, records, args, args.baseline_duration)
        port = free_port()
        shutil.rmtree(var_dir / "cache", ignore_errors=True)   # the production server computes its own
        server_env = {**env, "VISD_BIND": f"127.0.0.1:{port}"}
        if args.workers:
            server_env["VISD_WEB_WORKERS"] = str(args.workers)
        summaries["production"] = measure(
            "production: gunicorn (make serve), page cache", [GUNICORN, "-c", "python:visd.gunicorn_config",
                                                              "visd.wsgi:application"],
            server_env, port, records, args, args.duration)
        production = summaries["production"]
        print("\ntargets (issue 18): 0 errors, p95 <= 300 ms, strength map p95 <= 1 s: "
              f"errors {production['errors']}, p95 {1000 * production['p95']:.0f} ms, "
              f"strength map p95 {1000 * production['strength_p95']:.0f} ms -> "
              + ("met" if production["errors"] == 0 and production["p95"] <= 0.3
                 and production["strength_p95"] <= 1 else "NOT met"))
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)


if __name__ == "__main__":
    main()
