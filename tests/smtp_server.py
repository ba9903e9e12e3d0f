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
