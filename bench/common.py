"""Shared pieces of the benchmarks: throwaway databases, servers on free loopback ports, cleanup.

Everything a script starts is registered here and stopped (processes), dropped (PostgreSQL
databases) or removed (temporary folders) when the script ends, also on Ctrl-C or an error.
"""
from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from http.client import HTTPConnection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_SERVER = os.environ.get("BENCH_POSTGRES_SERVER", "postgresql+psycopg://postgres@127.0.0.1:5432")

_cleanups: list = []


def on_exit(action) -> None:
    """Run ``action`` when the script ends (last registered, first run)."""
    _cleanups.append(action)


def _cleanup() -> None:
    while _cleanups:
        action = _cleanups.pop()
        try:
            action()
        except Exception as error:  # cleanup goes on
            print(f"cleanup: {error}", file=sys.stderr)


atexit.register(_cleanup)
signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def temp_dir(prefix: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=prefix))
    on_exit(lambda: shutil.rmtree(path, ignore_errors=True))
    return path


def server_url(database: str) -> str:
    """The server part of a PostgreSQL URL (without the database name)."""
    return database.rpartition("/")[0]


def create_postgres_database(server: str = PG_SERVER, prefix: str = "rungs_bench") -> str:
    """A new empty database on ``server``, dropped when the script ends; its URL."""
    from sqlalchemy import create_engine, text

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    on_exit(drop)
    return f"{server}/{name}"


def database_for(kind: str, folder: Path, postgres_url: str | None = None) -> str:
    """A fresh, empty database: a SQLite file in ``folder``, or a throwaway PostgreSQL database
    (on the server of ``postgres_url`` when given)."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    server = server_url(postgres_url) if postgres_url else PG_SERVER
    return create_postgres_database(server)


def app_env(folder: Path, database: str, **extra: str) -> dict[str, str]:
    """Environment for the app's processes (gunicorn, flask worker, flask db upgrade)."""
    env = {
        **os.environ,
        "INSTANCE_PATH": str(folder / "instance"),
        "DATABASE_URL": database,
        "SECRET_KEY": "bench-secret-key",
        "RUNGS_ENV": "development",
        "MAIL_OUTBOX_DIR": str(folder / "outbox"),
        "CERTIFICATE_DIR": str(folder / "certificates"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("MAIL_SERVER", None)
    env.update(extra)
    return env


def migrate(env: dict[str, str]) -> None:
    subprocess.run([str(VENV_BIN / "flask"), "--app", "tracker", "db", "upgrade"], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start a process writing to ``log``; stopped (SIGTERM, then SIGKILL) when the script ends."""
    handle = open(log, "w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                               start_new_session=True)

    def stop() -> None:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        handle.close()

    on_exit(stop)
    process.stop = stop  # type: ignore[attr-defined]
    return process


def start_gunicorn(env: dict[str, str], workers: int, log: Path, wsgi_app: str | None = None) -> tuple[subprocess.Popen, str]:
    """gunicorn with the repository's gunicorn.conf.py on a free loopback port; (process, base URL)."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
    command = [str(VENV_BIN / "gunicorn"), "-c", "gunicorn.conf.py"]
    if wsgi_app:
        command.append(wsgi_app)  # overrides wsgi_app from the file
    process = start(command, env, log)
    base = f"http://127.0.0.1:{port}"
    wait_until_up(base + "/healthz", process, log)
    # Every worker booted (each answers its first request slower): wait for all of them.
    deadline = time.monotonic() + 60
    while log.read_text().count("Booting worker") < workers and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    return process, base


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(page: str) -> str:
    match = CSRF.search(page)
    if match is None:
        raise ValueError("no CSRF token in the page")
    return match.group(1)


def redact(url: str) -> str:
    """A database URL without its password, for printing."""
    return re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", url)


class SmtpSink:
    """bench/smtp_sink.py on a free loopback port, in ``processes`` processes sharing the port
    (SO_REUSEPORT: the kernel spreads connections among them)."""

    def __init__(self, folder: Path, processes: int = 1):
        self.port = free_port()
        self.logs = [folder / f"smtp-sink-{n}.log" for n in range(processes)]
        self.ids = [folder / f"smtp-sink-{n}.ids" for n in range(processes)]
        self.processes = [
            start([sys.executable, str(ROOT / "bench" / "smtp_sink.py"), str(self.port), str(ids)], dict(os.environ), log)
            for log, ids in zip(self.logs, self.ids)
        ]
        deadline = time.monotonic() + 30
        for process, log in zip(self.processes, self.logs):
            while "ready" not in log.read_text():
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the SMTP sink did not start: {log.read_text()}")
                time.sleep(0.05)

    @property
    def config(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_TIMEOUT": 10}

    def stop(self) -> tuple[int, int]:
        """Stop the server; (messages received, distinct Message-IDs over every process)."""
        received, distinct = 0, set()
        for process, log, ids in zip(self.processes, self.logs, self.ids):
            process.stop()
            match = re.search(r"received=(\d+) distinct_message_ids=(\d+)", log.read_text())
            if match is None:
                raise RuntimeError(f"the SMTP sink did not report: {log.read_text()}")
            received += int(match.group(1))
            distinct.update(ids.read_bytes().splitlines())
        return received, len(distinct)


def sign_in(base: str, email: str, password: str) -> str:
    """Sign in through the real form; every cookie the answer sets ("a=1; b=2"). The sign-in sets
    more than the session cookie (the device cookie too): keeping only the first one of them
    would measure a signed-out visitor."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    connection = HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookie = "; ".join(c.split(";")[0] for c in response.msg.get_all("Set-Cookie") or [])
    body = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": csrf_token(page)})
    connection = HTTPConnection(host, int(port), timeout=30)
    connection.request("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise RuntimeError(f"sign-in answered {response.status}")
    cookies = "; ".join(c.split(";")[0] for c in response.msg.get_all("Set-Cookie") or [])
    connection = HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", "/", headers={"Cookie": cookies})
    response = connection.getresponse()
    if response.status != 200 or "Sign out" not in response.read().decode():
        raise RuntimeError("the sign-in cookies do not open the dashboard")
    return cookies
