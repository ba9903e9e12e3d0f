"""A local SMTP server for the benchmarks (aiosmtpd, its own process): accepts and counts messages.

    python bench/smtp_sink.py PORT [IDS_FILE]

Prints "ready" once listening; on SIGTERM prints "received=N distinct_message_ids=M" and exits
(writing every Message-ID, one a line, to IDS_FILE when given). The socket is opened with
SO_REUSEPORT, so several sink processes can share one port (the kernel spreads connections
among them): common.SmtpSink(processes=2) does that, for a sink that is not the bottleneck of a
client sending over several connections.
"""
from __future__ import annotations

import asyncio
import logging
import signal
import socket
import sys
import threading

from aiosmtpd.smtp import SMTP


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
    logging.disable(logging.CRITICAL)  # aiosmtpd logs every command: not what is measured
    ids_file = sys.argv[2] if len(sys.argv) > 2 else None
    counter = Counter()
    # Bind to 127.0.0.1 (aiosmtpd's Controller defaults to ::1); the port is chosen free by the caller.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(loop.create_server(lambda: SMTP(counter, hostname="127.0.0.1"), sock=sock))
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print("ready", flush=True)
    stop.wait()
    loop.call_soon_threadsafe(server.close)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    if ids_file:
        with open(ids_file, "wb") as out:
            out.write(b"".join(i + b"\n" for i in counter.message_ids))
    print(f"received={counter.received} distinct_message_ids={len(counter.message_ids)}", flush=True)


if __name__ == "__main__":
    main()
