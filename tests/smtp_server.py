"""A real SMTP server for tests (aiosmtpd on 127.0.0.1) that records messages or answers with a
chosen reply code, and can be stopped and started again on the same port."""
from __future__ import annotations

import socket

from aiosmtpd.controller import Controller


def free_port() -> int:
    # aiosmtpd cannot bind port 0: pick a free one first.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Recorder:
    """aiosmtpd handler: keeps every accepted message; ``reply`` (e.g. "451 ...") refuses instead."""

    def __init__(self):
        self.messages = []
        self.reply: str | None = None
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    @property
    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.recorder = Recorder()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def config(self) -> dict:
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port, "MAIL_TIMEOUT": 5}


def seed_due_rows(users: int, per_user: int, start) -> None:
    """``users`` users each with a plan of ``per_user`` zero-length steps starting ``start``: with
    the default one-day lead, that many "due soon" reminders fall due at 08:00 local the day before.
    Call inside an app context."""
    from tracker.extensions import db
    from tracker.models import User
    from tracker.services import plans as plan_service

    for n in range(users):
        user = User(email=f"bulk{n}@example.com", password_hash="x", time_zone="America/New_York", session_version=1)
        db.session.add(user)
        db.session.commit()
        plan = plan_service.create_custom_plan(user, "Bulk", start)
        plan_service.append_milestones(plan, [(f"Step {i}", "", 0, "days") for i in range(per_user)])


def concurrent_sweeps(app, now, count: int) -> list[BaseException]:
    """Run ``count`` sweeps at once (threads, each with its own app context and session); the errors."""
    import threading

    from tracker.mail import mailer_from_config
    from tracker.services import reminders

    errors: list[BaseException] = []

    def sweeper():
        try:
            with app.app_context():
                reminders.sweep(now, mailer_from_config(app.config))
        except Exception as error:  # reported to the caller
            errors.append(error)

    threads = [threading.Thread(target=sweeper) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    return errors
