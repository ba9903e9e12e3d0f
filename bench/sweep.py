"""Reminder sweep over generated users: seconds to send the due reminders, on SQLite and PostgreSQL,
for several (users, due) sizes, to show the time follows the due rows, not the number of users.

    .venv/bin/python bench/sweep.py [--sizes 10000:10000,100000:10000,100000:1000]
                                    [--databases sqlite,postgresql] [--no-smtp] [--connections 4]
                                    [--sink-processes 2]

For each database and size: a fresh database (a SQLite file, or a throwaway PostgreSQL database on
BENCH_POSTGRES_SERVER, default postgresql+psycopg://postgres@127.0.0.1:5432), migrated, then
generated with bulk inserts: every user has a reminder-preferences row (planned today), a plan of
one step, and that step's two reminder rows ("due tomorrow", "overdue"); for ``due`` users the step
is due tomorrow, so their "due tomorrow" reminder is due at the sweep's instant (08:00 in New York);
for the others it is 60 days away. The rows are those the app's own planner makes (checked against
it for two users). Then the sweep runs, twice:

1. ``null``: to an in-process mailer that drops each message after it is built (rendering, the
   re-check, claims, leases and database writes included; no network): the database-bound figure.
2. ``smtp``: the same rows made pending again, sent through tracker.mail.SMTPMailer to a local
   aiosmtpd in its own process over ``--connections`` connections (MAIL_CONNECTIONS, default 1);
   it must accept exactly ``due`` distinct messages.

One line per database: seconds per size for each mailer, messages/s, and the check that every due
reminder was sent once.
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

NOW = dt.datetime(2026, 11, 23, 13, 0, tzinfo=dt.timezone.utc)  # 08:00 in New York (EST)
TODAY = dt.date(2026, 11, 23)
ZONE = "America/New_York"
CHUNK = 10_000


class NullMailer:
    """Accepts every message and keeps only a count (the database-bound figure)."""

    def __init__(self) -> None:
        self.sent = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send(self, message) -> None:
        self.sent += 1


def generate(app, users: int, due: int) -> float:
    """Fill the database; seconds taken."""
    from sqlalchemy import insert, select

    from tracker.extensions import db
    from tracker.domain.clock import utc_now as utcnow
    from tracker.models import Milestone, Plan, Reminder, ReminderPreference, User
    from tracker.services import reminders as service

    started = time.perf_counter()
    created = utcnow()
    due_start, later_start = TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=60)

    def start_of(n: int) -> dt.date:
        return due_start if n <= due else later_start

    with app.app_context():
        tables = (
            (User, lambda n: dict(id=n, email=f"u{n}@bench.example", password_hash="x", time_zone=ZONE,
                                  session_version=1, created_at=created)),
            (ReminderPreference, lambda n: dict(id=n, user_id=n, paused=False, disabled_kinds="digest", offsets="",
                                                send_hour=8, digest_weekday=0, planned_on=TODAY)),
            (Plan, lambda n: dict(id=n, user_id=n, template_id="custom", title="Bench plan", start_date=start_of(n),
                                  pace="full_time", created_at=created, active_rank=1)),
            (Milestone, lambda n: dict(id=n, plan_id=n, position=1, step_key=None, title="Send the application",
                                       description="", duration_amount=0, duration_unit="days", notes="")),
        )
        with db.engine.begin() as connection:
            for model, row in tables:
                for first in range(1, users + 1, CHUNK):
                    connection.execute(insert(model), [row(n) for n in range(first, min(first + CHUNK, users + 1))])
        # The reminder rows: what the app's planner makes for a user, copied for every user.
        prototypes = {}
        for n in (1, users if users > due else None):
            if n is None:
                continue
            user = db.session.get(User, n)
            service.plan_user(user, NOW)
            db.session.commit()
            prototypes[n] = [
                {c: getattr(r, c) for c in ("kind", "subject_key", "occurrence", "offset_days", "title", "link", "due_at")}
                for r in db.session.execute(select(Reminder).where(Reminder.user_id == n).order_by(Reminder.id)).scalars()
            ]
            assert len(prototypes[n]) == 2, prototypes[n]
        assert prototypes[1][0]["due_at"] <= NOW or prototypes[1][1]["due_at"] <= NOW
        if users > due:
            assert all(r["due_at"] > NOW for r in prototypes[users])

        def reminders_of(n: int) -> list[dict]:
            rows = []
            for r in prototypes[1 if n <= due else users]:
                rows.append(dict(
                    r, user_id=n, subject_key=f"milestone:{n}", link=f"/plans/{n}/milestones/{n}",
                    status="pending", attempts=0, last_error="", message_id=f"<reminder.bench.{n}.{r['kind']}@localhost>",
                    created_at=created, updated_at=created,
                ))
            return rows

        planned = set(prototypes)
        with db.engine.begin() as connection:
            for first in range(1, users + 1, CHUNK // 2):
                rows = [r for n in range(first, min(first + CHUNK // 2, users + 1)) if n not in planned for r in reminders_of(n)]
                if rows:
                    connection.execute(insert(Reminder), rows)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    return time.perf_counter() - started


def count_sent(app) -> int:
    from sqlalchemy import func, select

    from tracker.extensions import db
    from tracker.models import Reminder

    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Reminder).where(Reminder.status == "sent")).scalar_one()


def make_pending_again(app) -> None:
    from sqlalchemy import update

    from tracker.extensions import db
    from tracker.models import Reminder

    with app.app_context():
        db.session.execute(update(Reminder).where(Reminder.status == "sent").values(
            status="pending", sent_at=None, attempts=0, lease_until=None))
        db.session.commit()
        db.engine.dispose()


def timed_sweep(app, mailer) -> tuple[float, object]:
    from tracker.extensions import db
    from tracker.services import reminders as service

    with app.app_context():
        started = time.perf_counter()
        result = service.sweep(NOW, mailer)
        seconds = time.perf_counter() - started
        db.engine.dispose()
    return seconds, result


def run_size(kind: str, users: int, due: int, smtp: bool, connections: int = 1, sink_processes: int = 1) -> dict:
    from tracker import create_app

    folder = common.temp_dir("rungs-bench-sweep-")
    database = common.database_for(kind, folder)
    env = common.app_env(folder, database)
    common.migrate(env)
    os.environ.update(env)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "RUNGS_BASE_URL": "http://127.0.0.1:5000"})
    figures = {"users": users, "due": due, "generate_s": generate(app, users, due)}

    mailer = NullMailer()
    seconds, result = timed_sweep(app, mailer)
    sent = count_sent(app)
    figures.update(null_s=seconds, null_ok=(result.sent == mailer.sent == sent == due))
    if not figures["null_ok"]:
        figures["null_problem"] = f"sweep={result.line()} mailer={mailer.sent} rows_sent={sent}"
    if smtp:
        from tracker.mail import SMTPMailer

        make_pending_again(app)
        sink = common.SmtpSink(folder, sink_processes)
        if connections == 1:
            seconds, result = timed_sweep(app, SMTPMailer("127.0.0.1", sink.port, timeout=10))
        else:  # the sweep's own pool: MAIL_CONNECTIONS connections made from the configuration
            app.config.update({**sink.config, "MAIL_CONNECTIONS": connections})
            seconds, result = timed_sweep(app, None)
        received, distinct = sink.stop()
        sent = count_sent(app)
        figures.update(smtp_s=seconds, smtp_ok=(result.sent == received == distinct == sent == due))
        if not figures["smtp_ok"]:
            figures["smtp_problem"] = f"sweep={result.line()} received={received} distinct={distinct} rows_sent={sent}"
    with app.app_context():
        from tracker.extensions import db

        db.engine.dispose()  # before the temporary folder or the throwaway database goes
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000:10000,100000:10000,100000:1000",
                        help="users:due pairs, comma-separated")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--no-smtp", action="store_true", help="skip the run through a real SMTP server")
    parser.add_argument("--connections", type=int, default=1, help="SMTP connections (MAIL_CONNECTIONS) for the smtp run")
    parser.add_argument("--sink-processes", type=int, default=1, help="aiosmtpd processes sharing the sink's port")
    args = parser.parse_args()
    sizes = [tuple(int(x) for x in pair.split(":")) for pair in args.sizes.split(",")]
    logging.disable(logging.WARNING)  # the sweep's own log lines are not the benchmark's output
    for kind in args.databases.split(","):
        parts = []
        problems = []
        for users, due in sizes:
            f = run_size(kind, users, due, not args.no_smtp, args.connections, args.sink_processes)
            part = (f"{users // 1000}k users/{due // 1000 if due >= 1000 else due}{'k' if due >= 1000 else ''} due: "
                    f"null {f['null_s']:.2f}s ({due / f['null_s']:.0f} msg/s)")
            if "smtp_s" in f:
                part += f", smtp {f['smtp_s']:.2f}s ({due / f['smtp_s']:.0f} msg/s)"
            parts.append(part)
            problems += [f[k] for k in ("null_problem", "smtp_problem") if k in f]
        print(f"sweep [{kind}; null = in-process mailer that drops built messages, smtp = aiosmtpd on loopback, "
              f"{args.connections} connection{'s' if args.connections > 1 else ''}"
              f"{f', sink in {args.sink_processes} processes' if args.sink_processes > 1 else ''}]: " + "; ".join(parts) + " | target <= 5 s for 10k due"
              + (f" | each due reminder sent once: {'yes' if not problems else 'NO: ' + ' / '.join(problems)}"))


if __name__ == "__main__":
    main()
