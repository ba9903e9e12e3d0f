"""The reminder worker is its own process: it sweeps, logs its counts, and stops cleanly on SIGTERM."""
from __future__ import annotations

import pytest

import os
import signal
import subprocess
import sys
from pathlib import Path

from support import rest_of_output


@pytest.mark.slow
def test_worker_sweeps_and_stops_cleanly_on_sigterm(tmp_path, migrated_template):
    database = tmp_path / "worker.sqlite3"
    database.write_bytes(Path(migrated_template).read_bytes())
    env = {
        **os.environ, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": "worker-test", "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    flask = Path(sys.executable).with_name("flask")
    process = subprocess.Popen(
        [str(flask), "--app", "tracker", "worker", "--every", "1"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            if "reminder sweep at" in line:
                break
        process.send_signal(signal.SIGTERM)
        rest = rest_of_output(process, 20)
    finally:
        if process.poll() is None:
            process.kill()
    output = "".join(lines) + rest
    assert process.returncode == 0, output
    assert "reminder worker started: a sweep every 1 s" in output
    assert "claimed=0" in output and "reminder worker stopped" in output


def test_the_status_row_keeps_the_latest_sweep_whatever_order_sweeps_finish_in(app):
    import datetime as dt

    from tracker.services import reminders

    later = dt.datetime(2026, 11, 23, 15, 1, tzinfo=dt.timezone.utc)
    earlier = later - dt.timedelta(minutes=1)
    with app.app_context():
        assert reminders.last_sweep() is None
        reminders._record(later, reminders.SweepResult())  # the first sweep inserts the row
        reminders._record(earlier, reminders.SweepResult())  # a slower sweeper finishing after it
        assert reminders.last_sweep().last_sweep_at == later
        reminders._record(later + dt.timedelta(minutes=1), reminders.SweepResult())
        assert reminders.last_sweep().last_sweep_at == later + dt.timedelta(minutes=1)
