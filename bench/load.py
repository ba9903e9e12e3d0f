"""Load test, bounded in time and count, loopback only: concurrent clients against gunicorn with 4
workers (the repository's gunicorn.conf.py) while a reminder worker sweeps every second; on
SQLite, then on PostgreSQL.

    .venv/bin/python bench/load.py [--clients 50] [--seconds 60] [--databases sqlite,postgresql]
                                   [--database postgresql+psycopg://postgres@127.0.0.1:5432/test]

Each client is a person with their own cookies: signs up through the real forms (CSRF tokens parsed
from the pages; the emailed sign-up link read from the app's outbox folder), makes a plan, adds a
credential, then until the time is up browses the dashboard, their plan and the credentials page,
logs CEUs (the form, then its POST), and now and then signs out and back in through the sign-in
form. PostgreSQL runs use a throwaway database made on the
server of --database (its own database is not touched) and dropped afterwards.

One line per database: requests, throughput, p50/p95 latency, 5xx answers, "database is locked"
in any log, tracebacks, and lost writes (every CEU whose POST was answered with the redirect of a
success must be in the database afterwards; counted).
"""
from __future__ import annotations

import argparse
import datetime as dt
import email
import email.policy
import multiprocessing
import random
import re
import sys
import threading
import time
import urllib.parse
import uuid
from http.client import HTTPConnection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

PASSWORD = "correct horse battery"
WORKERS = 4


class Person:
    """One client: its own cookies, the last CSRF token it saw, its latencies and statuses."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.token: str | None = None
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.errors: list[str] = []

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, str]:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        self.latencies.append(time.perf_counter() - started)
        self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        match = common.CSRF.search(text)
        if match:
            self.token = match.group(1)
        return response.status, response.getheader("Location") or "", text

    def get(self, path: str) -> tuple[int, str, str]:
        return self.request("GET", path)

    def post(self, path: str, form: dict) -> tuple[int, str, str]:
        return self.request("POST", path, {**form, "csrf_token": self.token or ""})

    def expect(self, what: str, answer: tuple[int, str, str], status: int = 302) -> str:
        if answer[0] != status:
            raise RuntimeError(f"{what}: {answer[0]} {answer[2][:200]!r}")
        return answer[1]


SIGN_UP_LINK = re.compile(r"https?://[^/\s]+(/register/[^\s]+)")


def sign_up_link(outbox: Path, address: str, seconds: float = 30) -> str:
    """The path of the link in the sign-up email to ``address``, read from the outbox folder the
    app writes emails to when no MAIL_SERVER is set (as a person opens their mailbox)."""
    deadline = time.monotonic() + seconds
    needle = f"To: {address}".encode()
    while time.monotonic() < deadline:
        for file in outbox.glob("*.eml"):
            raw = file.read_bytes()
            if needle in raw:
                message = email.message_from_bytes(raw, policy=email.policy.default)
                found = SIGN_UP_LINK.search(message.get_body(("plain",)).get_content())
                if found:
                    return found.group(1)
        time.sleep(0.2)
    raise RuntimeError(f"no sign-up email to {address} in {outbox}")


def person_session(person: Person, address: str, deadline: float, max_requests: int, today: dt.date, posted: list[str],
                   outbox: Path) -> None:
    renewal_month = (today.month + 5) % 12 + 1  # far from today's month: no "which cycle?" question
    person.get("/register")
    person.expect("sign up", person.post("/register", {"email": address}))
    link = sign_up_link(outbox, address)
    person.get(link)
    person.expect("finish sign-up", person.post(link, {"password": PASSWORD, "time_zone": "America/New_York"}))
    person.get("/plans/new")
    location = person.expect("new plan", person.post("/plans/new", {"template": "cpc", "start_date": today.isoformat(), "pace": "full_time"}))
    plan_path = urllib.parse.urlsplit(location).path
    person.get("/credentials/new")
    person.expect("new credential", person.post("/credentials/new", {"code": "CPC", "earned_on": "2020-06-15", "renewal_month": str(renewal_month)}))
    rng = random.Random(address)
    n = 0
    while time.monotonic() < deadline and len(person.latencies) < max_requests:
        roll = rng.random()
        if roll < 0.30:
            person.expect("dashboard", person.get("/"), 200)
        elif roll < 0.50:
            person.expect("plan", person.get(plan_path), 200)
        elif roll < 0.70:
            person.expect("credentials", person.get("/credentials/"), 200)
        elif roll < 0.95:
            n += 1
            title = f"{address} CEU {n}"
            person.expect("CEU form", person.get("/credentials/ceus/new"), 200)
            day = today - dt.timedelta(days=rng.randint(0, 60))
            if day.month == renewal_month:
                day = today
            answer = person.post("/credentials/ceus/new", {
                "completed_on": day.isoformat(), "title": title, "provider": "Load test", "reference": "",
                "ceus": "0.5", "counts_toward": "aapc",
            })
            person.expect("CEU", answer)
            posted.append(title)
        else:
            person.expect("sign out", person.post("/logout", {}))
            person.get("/login")
            person.expect("sign in", person.post("/login", {"email": address, "password": PASSWORD}))


def client_process(base: str, tag: str, first: int, count: int, seconds: float, max_requests: int, outbox: str, queue) -> None:
    """``count`` people in threads of one process; their figures go to ``queue``."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    today = dt.datetime.now(dt.timezone.utc).astimezone(__import__("zoneinfo").ZoneInfo("America/New_York")).date()
    deadline = time.monotonic() + seconds
    people = [Person(host, int(port)) for _ in range(count)]
    posted: list[list[str]] = [[] for _ in range(count)]

    def run(i: int) -> None:
        try:
            person_session(people[i], f"load-{tag}-{first + i}@example.com", deadline, max_requests, today, posted[i],
                           Path(outbox))
        except Exception as error:  # reported, not raised: the others go on
            people[i].errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses: dict[int, int] = {}
    for person in people:
        for status, n in person.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    queue.put({
        "latencies": [x for p in people for x in p.latencies],
        "statuses": statuses,
        "errors": [e for p in people for e in p.errors],
        "posted": [t for titles in posted for t in titles],
    })


def run_clients(base: str, clients: int, seconds: float, max_requests: int, outbox: Path) -> tuple[dict, float]:
    tag = uuid.uuid4().hex[:6]
    processes = 2
    queue = multiprocessing.Queue()
    shares = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    children, first = [], 0
    for share in shares:
        children.append(multiprocessing.Process(
            target=client_process, args=(base, tag, first, share, seconds, max_requests, str(outbox), queue)))
        first += share
    started = time.monotonic()
    for child in children:
        child.start()
    merged = {"latencies": [], "statuses": {}, "errors": [], "posted": []}
    for _ in children:
        part = queue.get(timeout=seconds + 300)
        merged["latencies"] += part["latencies"]
        merged["errors"] += part["errors"]
        merged["posted"] += part["posted"]
        for status, n in part["statuses"].items():
            merged["statuses"][status] = merged["statuses"].get(status, 0) + n
    for child in children:
        child.join()
    return merged, time.monotonic() - started


def stored_titles(database: str) -> set[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            return set(connection.execute(text("SELECT title FROM ceu_activities WHERE provider = 'Load test'")).scalars())
    finally:
        engine.dispose()


def run_database(kind: str, clients: int, seconds: float, max_requests: int, postgres_url: str | None) -> str:
    folder = common.temp_dir(f"rungs-bench-load-{kind}-")
    database = common.database_for(kind, folder, postgres_url)
    env = common.app_env(folder, database, RUNGS_BASE_URL="http://127.0.0.1:5000")
    common.migrate(env)
    worker_log = folder / "worker.log"
    worker = common.start([str(common.VENV_BIN / "flask"), "--app", "tracker", "worker", "--every", "1"], env, worker_log)
    server, base = common.start_gunicorn(env, WORKERS, folder / "gunicorn.log")
    results, elapsed = run_clients(base, clients, seconds, max_requests, folder / "outbox")
    server.stop()
    worker.stop()
    logs = (folder / "gunicorn.log").read_text(errors="replace") + worker_log.read_text(errors="replace")
    locked = len(re.findall(r"database is locked", logs, re.I))
    tracebacks = logs.count("Traceback")
    sweeps = len(re.findall(r"reminder sweep at", worker_log.read_text(errors="replace")))
    failed_sweeps = len(re.findall(r"reminder sweep failed", worker_log.read_text(errors="replace")))
    posted = results["posted"]
    found = stored_titles(database)
    lost = len([t for t in posted if t not in found])
    statuses = results["statuses"]
    server_errors = sum(n for s, n in statuses.items() if s >= 500)
    latencies = results["latencies"]
    requests = len(latencies)
    ms = lambda x: f"{x * 1000:.0f}"  # noqa: E731
    errors = results["errors"]
    verdict = "OK" if not (server_errors or locked or lost or tracebacks or errors or failed_sweeps) else "PROBLEMS"
    line = (
        f"load [{kind}, gunicorn {WORKERS} workers + worker every 1 s]: clients={clients} seconds={elapsed:.0f} "
        f"requests={requests} throughput={requests / elapsed:.0f} req/s p50={ms(common.percentile(latencies, 0.50))} ms "
        f"p95={ms(common.percentile(latencies, 0.95))} ms 5xx={server_errors} database_is_locked={locked} "
        f"tracebacks={tracebacks} ceus_posted={len(posted)} ceus_found={len([t for t in posted if t in found])} lost={lost} "
        f"sweeps={sweeps} failed_sweeps={failed_sweeps} client_errors={len(errors)} "
        f"statuses={dict(sorted(statuses.items()))} {verdict}"
    )
    if errors:
        line += f" first_error={errors[0][:200]!r}"
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=5000, help="per client: the count bound")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--database", default=None,
                        help="a PostgreSQL URL: the throwaway database is made on its server "
                             f"(default {common.PG_SERVER}/...)")
    args = parser.parse_args()
    for kind in args.databases.split(","):
        print(run_database(kind, args.clients, args.seconds, args.max_requests, args.database), flush=True)


if __name__ == "__main__":
    main()
