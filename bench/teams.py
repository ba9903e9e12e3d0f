"""Throughput of a 500-member team's overview (issue 17) as a ratio to the bare route in the same
gunicorn (2 workers), and its SQL queries at 5, 50 and 500 members (they must not grow). One line.

    .venv/bin/python bench/teams.py [--members 500] [--seconds 6] [--concurrency 8]
                                    [--database postgresql+psycopg://postgres@127.0.0.1:5432/x]

Each member holds a CPC (renewal months spread over the year) and 5 CEUs; every other one shares
CEU details. The overview is measured right after the bare route in the same server, with the page
cache on (the default): the first request in each worker computes it, the others are served under
the team's version (bumped with every change to a member's data: services/teams/). The uncached
figure (emptying a worker's cache before every request cannot be done from outside) is the time
of one uncached render in process.
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from dashboard import python_load  # noqa: E402

SIZES = (5, 50)


def seed_and_count_queries(env: dict[str, str], members: int) -> tuple[int, dict[int, tuple[int, int]], float]:
    """Teams of 5, 50 and ``members`` coders; the big team's id, (uncached, cached) SQL statements
    of the overview per size, and the seconds of one uncached render of the big team."""
    from sqlalchemy import event

    os.environ.update(env)
    import seed
    from tracker import create_app
    from tracker.extensions import db
    from tracker.models import TeamMembership, User
    from tracker.services import accounts
    from tracker.services import credentials as credential_service
    from tracker.services import teams as team_service

    app = create_app()
    logging.disable(logging.INFO)
    today = dt.datetime.now(dt.timezone.utc).date()
    teams = {}
    with app.app_context():
        hashed = accounts.register("hash@example.com", seed.PASSWORD, "UTC").password_hash
        for size in (*SIZES, members):
            boss = accounts.register(f"boss{size}@example.com", seed.PASSWORD, "America/New_York")
            team = team_service.create_team(boss, f"Team of {size}")
            teams[size] = team.id
            for n in range(size):
                # Accounts made directly (one argon2 hash for all: signing up is not measured here).
                user = User(email=f"coder{size}-{n}@example.com", password_hash=hashed, time_zone="America/Chicago")
                db.session.add(user)
                db.session.flush()
                credential_service.add_credential(user, "CPC", dt.date(2023, 1, 10), today, renewal_month=1 + n % 12)
                seed.add_ceus(user, 5, today)
                db.session.add(TeamMembership(team_id=team.id, user_id=user.id, role="member", share_ceus=n % 2 == 0))
            db.session.commit()
        engine = db.engine
    statements: list[str] = []

    def listener(_c, _cur, statement, *_a):
        statements.append(statement)

    counts: dict[int, tuple[int, int]] = {}
    render = 0.0
    for size, team_id in teams.items():
        client = app.test_client()
        response = client.post("/login", data={"email": f"boss{size}@example.com", "password": seed.PASSWORD,
                                               "csrf_token": common.csrf_token(client.get("/login").text)})
        assert response.status_code == 302, response.status_code
        client.get(f"/teams/{team_id}")
        found = []
        for cached in (False, True):
            if not cached:
                app.extensions.pop("rungs.page_cache", None)
            event.listen(engine, "before_cursor_execute", listener)
            statements.clear()
            started = time.perf_counter()
            status = client.get(f"/teams/{team_id}").status_code
            if size == members and not cached:
                render = time.perf_counter() - started
            event.remove(engine, "before_cursor_execute", listener)
            assert status == 200, status
            found.append(len(statements))
        counts[size] = tuple(found)
    with app.app_context():
        db.engine.dispose()
    return teams[members], counts, render


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database", default="sqlite", help="sqlite, or a PostgreSQL URL whose server gets a throwaway database")
    args = parser.parse_args()

    folder = common.temp_dir("rungs-bench-teams-")
    kind = "sqlite" if args.database == "sqlite" else "postgresql"
    database = common.database_for(kind, folder, None if kind == "sqlite" else args.database)
    env = common.app_env(folder, database)
    common.migrate(env)
    team_id, queries, render = seed_and_count_queries(env, args.members)

    server, base = common.start_gunicorn(env, 2, folder / "gunicorn.log", "bench.wsgi:app")
    cookie = common.sign_in(base, f"boss{args.members}@example.com", "correct horse battery")
    path = f"/teams/{team_id}"
    python_load(base, "/bench/bare", "", 2, args.concurrency)  # warm both workers
    python_load(base, path, cookie, 2, args.concurrency)  # and the overview in each
    bare, bare_statuses = python_load(base, "/bench/bare", "", args.seconds, args.concurrency)
    rate, statuses = python_load(base, path, cookie, args.seconds, args.concurrency)
    server.stop()
    problems = [f"{what} statuses {got}" for what, got in (("bare", bare_statuses), ("overview", statuses)) if set(got) != {200}]
    if "Traceback" in (folder / "gunicorn.log").read_text():
        problems.append("tracebacks in the server log")
    ratio = rate / bare
    flat = len({queries[size] for size in queries}) == 1
    sizes = ",".join(str(size) for size in queries)
    print(
        f"team overview [{kind}, gunicorn 2 workers, python client c={args.concurrency} {args.seconds:g}s, "
        f"{args.members} members]: {rate:.0f} req/s bare={bare:.0f} ratio={ratio:.2f} "
        f"(target>=0.25 {'OK' if ratio >= 0.25 else 'MISSED'}) | uncached render {render * 1000:.0f} ms | "
        f"queries uncached/cached at {sizes} members="
        + " ".join(f"{a}/{b}" for a, b in queries.values())
        + f" ({'flat' if flat else 'GROWS'})"
        + (f" | PROBLEMS: {'; '.join(problems)}" if problems else "")
    )


if __name__ == "__main__":
    main()
