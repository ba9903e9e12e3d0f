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
    """aiosmtpd handler: keeps every accepted message, and misbehaves on request.

    - ``reply`` (e.g. "451 ..."): every DATA is answered with it instead of being accepted;
    - ``rcpt_replies`` / ``data_replies``: address -> reply for that one recipient, at RCPT TO or
      at the end of DATA (e.g. "550 5.1.1 No such user", "452 4.2.2 Mailbox full");
    - ``drop_at``: addresses whose RCPT TO makes the server hang up (no reply at all);
    - ``unavailable``: every MAIL FROM is answered "421 4.3.2 Service not available" (a server
      shutting down or over its limits);
    - ``delay``: seconds each accepted message takes before its 250 (a slow relay; other
      connections are served meanwhile).
    """

    def __init__(self):
        self.messages = []
        self.reply: str | None = None
        self.rcpt_replies: dict[str, str] = {}
        self.data_replies: dict[str, str] = {}
        self.drop_at: set[str] = set()
        self.unavailable = False
        self.delay = 0.0
        self.connections = 0
        self.envelopes: list[tuple[str, list[str], bytes]] = []  # (MAIL FROM, RCPT TOs, DATA bytes)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.unavailable:
            return "421 4.3.2 Service not available, closing transmission channel"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.drop_at:
            server.transport.close()
            return "250 OK"  # never reaches the client: the connection is gone
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.reply:
            return self.reply
        for address in envelope.rcpt_tos:
            if address in self.data_replies:
                return self.data_replies[address]
        if self.delay:
            import asyncio

            await asyncio.sleep(self.delay)
        from email import message_from_bytes, policy

        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    @property
    def message_ids(self) -> list[str]:
        return [m["Message-ID"] for m in self.messages]

    @property
    def recipients(self) -> list[str]:
        return [m["To"] for m in self.messages]


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
