"""Throughput of the four main pages (dashboard, a plan, the credentials overview and a body page,
the ladder) of a user with a full plan, 3 credentials and 200 CEUs, as ratios to a bare route in
the same gunicorn (2 workers), with the page cache off and on; and SQL queries per page for users
with 0, 50 and 200 CEUs (they must not grow with the user's data). One line per page.

    .venv/bin/python bench/pages.py [--seconds 6] [--concurrency 8] [--rounds 3]
                                    [--database postgresql+psycopg://postgres@127.0.0.1:5432/x]

Each page is measured in slices alternating with the bare route in the same server (cache off:
PAGE_CACHE_SIZE=0, then cache on: the default), so a ratio compares figures taken under the same
machine load. Only the dashboard has a page cache; the other pages are rendered from the data
either way.
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from dashboard import CEU_COUNTS, python_load  # noqa: E402

PAGES = {
    "dashboard": "/",
    "plan": "/plans/{plan}",
    "credentials": "/credentials/",
    "credentials/aapc": "/credentials/aapc/",
    "ladder": "/ladder/",
}


def seed_and_count_queries(env: dict[str, str]) -> tuple[int, dict[str, dict[int, int]]]:
    """Make the users (0, 50, 200 CEUs); the 200-CEU user's plan id, and the SQL statements of
    each page rendered from the data (page cache emptied first) for each user."""
    from sqlalchemy import event, select

    os.environ.update(env)
    import seed
    from tracker import create_app
    from tracker.extensions import db
    from tracker.models import Plan

    app = create_app()
    logging.disable(logging.INFO)
    today = dt.datetime.now(dt.timezone.utc).date()
    plans = {}
    with app.app_context():
        for ceus in CEU_COUNTS:
            user = seed.full_user(f"ceus{ceus}@example.com", ceus, today)
            plans[ceus] = db.session.execute(
                select(Plan.id).where(Plan.user_id == user.id).order_by(Plan.active_rank.desc())
            ).scalars().first()
        engine = db.engine
    statements: list[str] = []

    def listener(_c, _cur, statement, *_a):
        statements.append(statement)

    counts: dict[str, dict[int, int]] = {name: {} for name in PAGES}
    for ceus in CEU_COUNTS:
        client = app.test_client()
        token = common.csrf_token(client.get("/login").text)
        response = client.post("/login", data={"email": f"ceus{ceus}@example.com", "password": seed.PASSWORD,
                                               "csrf_token": token})
        assert response.status_code == 302, response.status_code
        client.get("/")
        for name, path in PAGES.items():
            app.extensions.pop("rungs.page_cache", None)
            event.listen(engine, "before_cursor_execute", listener)
            statements.clear()
            status = client.get(path.format(plan=plans[ceus])).status_code
            event.remove(engine, "before_cursor_execute", listener)
            assert status == 200, (path, status)
            counts[name][ceus] = len(statements)
    with app.app_context():
        db.engine.dispose()
    return plans[200], counts


def measure(env: dict[str, str], folder: Path, label: str, plan: int, seconds: float, concurrency: int,
            rounds: int) -> tuple[dict[str, float], list[str]]:
    """Requests per second of the bare route and of each page in one server: ``rounds`` slices
    of each, alternating, ``seconds`` of each in all. On a shared machine whose speed drifts over
    seconds, one long slice of each compared pages with a bare route taken under another load
    (the same page read 0.20 and 0.31 in one run); alternating short slices average that out."""
    server, base = common.start_gunicorn(env, 2, folder / f"gunicorn-{label}.log", "bench.wsgi:app")
    cookie = common.sign_in(base, "ceus200@example.com", "correct horse battery")
    python_load(base, "/bench/bare", "", 2, concurrency)  # warm both workers
    rates: dict[str, float] = {}
    problems = []
    for name, path in PAGES.items():
        path = path.format(plan=plan)
        python_load(base, path, cookie, 1, concurrency)
        done = {"bare": [0.0, 0.0], name: [0.0, 0.0]}  # requests, seconds
        for _ in range(rounds):
            for what, url, sent in (("bare", "/bench/bare", ""), (name, path, cookie)):
                rate, statuses = python_load(base, url, sent, seconds / rounds, concurrency)
                count = sum(statuses.values())
                done[what][0] += count
                done[what][1] += count / rate if rate else seconds / rounds
                if set(statuses) != {200}:
                    problems.append(f"{label} {what} statuses {statuses}")
        rates[f"bare-{name}"] = done["bare"][0] / done["bare"][1]
        rates[name] = done[name][0] / done[name][1]
    server.stop()
    if "Traceback" in (folder / f"gunicorn-{label}.log").read_text():
        problems.append(f"tracebacks in the {label} server log")
    return rates, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="alternating slices of the bare route and each page")
    parser.add_argument("--database", default="sqlite", help="sqlite, or a PostgreSQL URL whose server gets a throwaway database")
    args = parser.parse_args()
    if args.seconds <= 0 or args.concurrency < 1 or args.rounds < 1:
        parser.error("--seconds must be more than 0, --concurrency and --rounds at least 1")

    folder = common.temp_dir("rungs-bench-pages-")
    kind = "sqlite" if args.database == "sqlite" else "postgresql"
    database = common.database_for(kind, folder, None if kind == "sqlite" else args.database)
    env = common.app_env(folder, database)
    common.migrate(env)
    plan, queries = seed_and_count_queries(env)
    off, problems = measure({**env, "PAGE_CACHE_SIZE": "0"}, folder, "off", plan, args.seconds, args.concurrency, args.rounds)
    on, more = measure(env, folder, "on", plan, args.seconds, args.concurrency, args.rounds)
    problems += more
    targets = {"dashboard": (0.25, 0.6)}  # cache on: only the dashboard has a cache (and a target)
    for name in PAGES:
        low_off, low_on = targets.get(name, (0.25, None))
        ratio_off = off[name] / off[f"bare-{name}"]
        ratio_on = on[name] / on[f"bare-{name}"]
        counted = queries[name]
        flat = len(set(counted.values())) == 1
        print(
            f"page {name} [{kind}, gunicorn 2 workers, python client c={args.concurrency} {args.seconds:g}s, 200 CEUs]: "
            f"cache off: {off[name]:.0f} req/s bare={off[f'bare-{name}']:.0f} ratio={ratio_off:.2f} "
            f"(target>={low_off} {'OK' if ratio_off >= low_off else 'MISSED'}) | "
            f"cache on: {on[name]:.0f} req/s bare={on[f'bare-{name}']:.0f} ratio={ratio_on:.2f} "
            + (f"(target>={low_on} {'OK' if ratio_on >= low_on else 'MISSED'}) " if low_on else "")
            + "| "
            f"queries ceus0,50,200={counted[0]},{counted[50]},{counted[200]} ({'flat' if flat else 'GROWS'})"
        )
    if problems:
        print("PROBLEMS: " + "; ".join(problems))


if __name__ == "__main__":
    main()
