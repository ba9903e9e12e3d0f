"""gunicorn with several workers serves Rungs, and no scheduler starts in a web worker."""
from __future__ import annotations

import pytest

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from smtp_server import free_port
from support import rest_of_output

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_gunicorn_with_four_workers_serves_and_never_schedules(tmp_path, migrated_template):
    database = tmp_path / "web.sqlite3"
    database.write_bytes(Path(migrated_template).read_bytes())
    port = free_port()
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{database}",
           "SECRET_KEY": "gunicorn-test", "PORT": str(port), "WEB_CONCURRENCY": "4", "RUNGS_ENV": "production"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        for line in process.stdout:  # the socket is bound before the workers boot: requests queue
            lines.append(line)
            if "Listening at" in line:
                break
        answers = []
        for _ in range(20):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=20) as response:
                answers.append(response.status)
        assert answers == [200] * 20
    finally:
        process.send_signal(signal.SIGTERM)
        rest = rest_of_output(process, 30)
    output = "".join(lines) + rest
    assert output.count("Booting worker") == 4, output
    assert "apscheduler" not in output.lower() and "reminder worker" not in output, output
