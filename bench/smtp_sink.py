"""A local SMTP server for the benchmarks (aiosmtpd, its own process): accepts and counts messages.

    python bench/smtp_sink.py PORT

Prints "ready" once listening; on SIGTERM prints "received=N distinct_message_ids=M" and exits.
"""
from __future__ import annotations

import signal
import sys
import threading

from aiosmtpd.controller import Controller


class Counter:
    def __init__(self) -> None:
        self.received = 0
        self.message_ids: set[bytes] = set()

    async def handle_DATA(self, server, session, envelope):
        self.received += 1
        content = envelope.original_content or envelope.content
        for line in content.split(b"\r\n", 60):
            if line[:11].lower() == b"message-id:":
                self.message_ids.add(line[11:].strip())
                break
        return "250 OK"


def main() -> None:
    port = int(sys.argv[1])
    counter = Counter()
    # Bind to 127.0.0.1 (the default is ::1); the port is chosen free by the caller.
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    controller.stop()
    print(f"received={counter.received} distinct_message_ids={len(counter.message_ids)}", flush=True)


if __name__ == "__main__":
    main()
