"""SMTP delivery rate of the app's own mailer (tracker/mail.py) to a local aiosmtpd, one reused
connection: messages per second.

    .venv/bin/python bench/smtp.py [--messages 2000]

The server runs in its own process on 127.0.0.1 (a free port) and counts what it accepted. The
messages are built beforehand with tracker.mail.build_message (plain text + HTML, about the size
of a reminder); the figure is the sending alone, then building plus sending.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import SmtpSink, temp_dir  # noqa: E402

from tracker.mail import SMTPMailer, build_message  # noqa: E402

TEXT = ("Hello,\n\nThis is a reminder from Rungs: Step 3 (Pass the CPC exam) is due tomorrow, "
        "Tuesday, November 24, 2026.\n\nOpen in Rungs: http://127.0.0.1:5000/plans/1/milestones/3\n\n"
        "Unsubscribe: http://127.0.0.1:5000/reminders/unsubscribe/x\n") * 3
HTML = "<!doctype html><html><body>" + "".join(f"<p>{line}</p>" for line in TEXT.splitlines() if line) + "</body></html>"


def message(n: int):
    return build_message(
        sender="Rungs <no-reply@localhost>", to=f"coder{n}@example.com",
        subject=f"Due Tue Nov 24, 2026: Step {n}", text=TEXT, html=HTML,
        message_id=f"<bench.{n}@localhost>",
        headers={"List-Unsubscribe": "<http://127.0.0.1:5000/reminders/unsubscribe/x>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    folder = temp_dir("rungs-bench-smtp-")
    sink = SmtpSink(folder)
    mailer = SMTPMailer("127.0.0.1", sink.port, timeout=10)

    started = time.perf_counter()
    messages = [message(n) for n in range(args.messages)]
    built = time.perf_counter()
    with mailer:  # one connection for all of them
        for item in messages:
            mailer.send(item)
    sent = time.perf_counter()
    received, distinct = sink.stop()
    send_rate = args.messages / (sent - built)
    overall = args.messages / (sent - started)
    size = len(bytes(messages[0]))
    print(f"smtp: messages={args.messages} received={received} distinct_message_ids={distinct} "
          f"bytes_each={size} connections=1 send_s={sent - built:.2f} rate={send_rate:.0f} msg/s "
          f"build+send_rate={overall:.0f} msg/s target>=100 {'OK' if send_rate >= 100 and received == args.messages else 'MISSED'}")


if __name__ == "__main__":
    main()
