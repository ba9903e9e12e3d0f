"""Dashboard throughput of a user with a full plan, 3 credentials and 200 CEUs, as a ratio to a bare
Flask route served by the same gunicorn (2 workers, loopback); and SQL queries per dashboard page
for users with 0, 50 and 200 CEUs (they must not grow with the user's data).

    .venv/bin/python bench/dashboard.py [--seconds 15] [--concurrency 8] [--client python|wrk]
                                        [--database postgresql+psycopg://postgres@127.0.0.1:5432/x]

SQLite unless --database names a PostgreSQL server (a throwaway database is made there and
dropped). The Python client is threads in 2 processes with http.client, one connection per request
(gunicorn's sync workers close each one); --client wrk uses wrk (apt-get install wrk).
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

CEU_COUNTS = (0, 50, 200)


def seed_and_count_queries(env: dict[str, str]) -> dict[int, tuple[int, int]]:
    """Make the users (0, 50, 200 CEUs) and count the SQL statements of their dashboard page:
    (cold, warm): rendered from the data (as after any change to it), and served from the page cache."""
    from sqlalchemy import event

    os.environ.update(env)
    import seed
    from tracker import create_app
    from tracker.extensions import db

    app = create_app()
    logging.disable(logging.INFO)  # the request log of this in-process app is not the benchmark's output
    today = dt.datetime.now(dt.timezone.utc).date()
    with app.app_context():
        for ceus in CEU_COUNTS:
            seed.full_user(f"ceus{ceus}@example.com", ceus, today)
        engine = db.engine
    statements: list[str] = []
    counts = {}
    for ceus in CEU_COUNTS:
        client = app.test_client()
        token = common.csrf_token(client.get("/login").text)
        response = client.post("/login", data={"email": f"ceus{ceus}@example.com", "password": seed.PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302, response.status_code
        client.get("/")  # the first request of a session loads more than the page (the session itself)
        listener = lambda _c, _cur, statement, *_a: statements.append(statement)  # noqa: E731
        counted = []
        for cache in ("cold", "warm"):
            if cache == "cold":
                app.extensions.pop("rungs.page_cache", None)
            event.listen(engine, "before_cursor_execute", listener)
            statements.clear()
            assert client.get("/").status_code == 200
            event.remove(engine, "before_cursor_execute", listener)
            counted.append(len(statements))
        counts[ceus] = tuple(counted)
    with app.app_context():
        db.engine.dispose()
    return counts


def _client_process(base: str, path: str, cookie: str, seconds: float, threads: int, queue) -> None:
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run() -> None:
        local: dict[int, int] = {}
        headers = {"Cookie": cookie} if cookie else {}
        while time.monotonic() < deadline:
            connection = HTTPConnection(host, int(port), timeout=30)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            local[response.status] = local.get(response.status, 0) + 1
        with lock:
            for status, n in local.items():
                statuses[status] = statuses.get(status, 0) + n

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    queue.put(statuses)


def python_load(base: str, path: str, cookie: str, seconds: float, concurrency: int) -> tuple[float, dict[int, int]]:
    """Requests per second over ``seconds`` with ``concurrency`` connections at a time, and the statuses."""
    processes = 2
    queue = multiprocessing.Queue()
    children = [multiprocessing.Process(target=_client_process,
                                        args=(base, path, cookie, seconds, max(1, concurrency // processes), queue))
                for _ in range(processes)]
    started = time.monotonic()
    for child in children:
        child.start()
    statuses: dict[int, int] = {}
    for _ in children:
        for status, n in queue.get(timeout=seconds + 120).items():
            statuses[status] = statuses.get(status, 0) + n
    for child in children:
        child.join()
    elapsed = time.monotonic() - started
    return sum(statuses.values()) / elapsed, statuses


def wrk_load(base: str, path: str, cookie: str, seconds: float, concurrency: int) -> tuple[float, dict[int, int]]:
    command = ["wrk", "-t", "2", "-c", str(concurrency), "-d", f"{int(seconds)}s", "--latency"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command + [base + path], check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    statuses = {200: total - (int(bad.group(1)) if bad else 0)}
    if bad:
        statuses[0] = int(bad.group(1))
    if errors:
        print(f"wrk: socket errors: {errors.group(1)}", file=sys.stderr)
    return rate, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--client", choices=("python", "wrk"), default="python")
    parser.add_argument("--database", default="sqlite", help="sqlite, or a PostgreSQL URL whose server gets a throwaway database")
    args = parser.parse_args()
    if args.client == "wrk" and shutil.which("wrk") is None:
        parser.error("wrk is not installed (apt-get install wrk)")

    folder = common.temp_dir("rungs-bench-dashboard-")
    kind = "sqlite" if args.database == "sqlite" else "postgresql"
    database = common.database_for(kind, folder, None if kind == "sqlite" else args.database)
    env = common.app_env(folder, database)
    common.migrate(env)
    queries = seed_and_count_queries(env)

    server, base = common.start_gunicorn(env, 2, folder / "gunicorn.log", "bench.wsgi:app")
    cookie = common.sign_in(base, "ceus200@example.com", "correct horse battery")
    load = wrk_load if args.client == "wrk" else python_load
    load(base, "/bench/bare", "", 2, args.concurrency)  # warm both workers
    load(base, "/", cookie, 2, args.concurrency)
    bare_rate, bare_statuses = load(base, "/bench/bare", "", args.seconds, args.concurrency)
    page_rate, page_statuses = load(base, "/", cookie, args.seconds, args.concurrency)
    server.stop()
    log = (folder / "gunicorn.log").read_text()
    # The same dashboard with the page cache off: what every request after a change costs.
    server, base = common.start_gunicorn({**env, "PAGE_CACHE_SIZE": "0"}, 2, folder / "gunicorn-nocache.log", "bench.wsgi:app")
    cookie = common.sign_in(base, "ceus200@example.com", "correct horse battery")
    load(base, "/", cookie, 2, args.concurrency)
    cold_rate, cold_statuses = load(base, "/", cookie, args.seconds, args.concurrency)
    server.stop()
    log += (folder / "gunicorn-nocache.log").read_text()
    problems = []
    for name, statuses in (("bare", bare_statuses), ("dashboard", page_statuses), ("dashboard uncached", cold_statuses)):
        if set(statuses) != {200}:
            problems.append(f"{name} statuses {statuses}")
    if "Traceback" in log:
        problems.append("tracebacks in the server log")
    ratio = page_rate / bare_rate
    flat = len({cold for cold, _warm in queries.values()}) == 1 and len({warm for _cold, warm in queries.values()}) == 1
    print(
        f"dashboard [{kind}, gunicorn 2 workers, {args.client} client c={args.concurrency} {args.seconds:g}s]: "
        f"bare={bare_rate:.0f} req/s dashboard(200 CEUs)={page_rate:.0f} req/s ratio={ratio:.2f} "
        f"(target>=0.30 {'OK' if ratio >= 0.30 else 'MISSED'}) "
        f"uncached={cold_rate:.0f} req/s ratio={cold_rate / bare_rate:.2f} "
        f"queries/page cold,warm ceus0={queries[0][0]},{queries[0][1]} ceus50={queries[50][0]},{queries[50][1]} "
        f"ceus200={queries[200][0]},{queries[200][1]} "
        f"({'flat' if flat else 'GROWS'})" + (f" PROBLEMS: {'; '.join(problems)}" if problems else "")
    )


if __name__ == "__main__":
    main()
