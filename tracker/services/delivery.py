"""Handing messages to the mail server: a small pool of connections, and what each reply means.

The sweep (services/reminders.py) renders messages and records outcomes in its own thread (a
SQLAlchemy session is not thread-safe); this module only sends. Each connection is a thread with
its own :class:`~tracker.mail.Mailer`, taking messages from one queue, so a slow message holds up
one connection, not the sweep.

What a failure means is decided here, from smtplib's exceptions, and handed on as a plain
:class:`~tracker.domain.reminders.Outcome` (the domain never sees smtplib):

- a 5xx for the recipient, at RCPT TO or at the end of DATA: RECIPIENT_REFUSED (that message alone
  is dead); a 4xx other than 421 for the recipient: RECIPIENT_DEFERRED (that message alone waits).
  smtplib resets the transaction (RSET) itself, and the connection goes on with the next message;
- anything else (refused or timed-out connection, 421 anywhere, TLS or sign-in failure, a
  disconnect, the server refusing our sender): SERVER_UNAVAILABLE. That connection is closed and
  takes no more messages in this sweep (a dead or overloaded server is not hammered); the other
  connections go on. When none is left, every message still waiting comes back NOT_TRIED.

The error text of a message is kept only with that message: a message that was never tried gets a
fixed sentence, never another recipient's reply.
"""
from __future__ import annotations

import logging
import queue
import smtplib
import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from email.message import EmailMessage

from ..domain.reminders import Outcome
from ..mail import Mailer

log = logging.getLogger("tracker.delivery")

NOT_TRIED_TEXT = "Not tried: the mail server was unavailable during this sweep; it will be retried."
LEASE_LOST_TEXT = "Not sent by this worker: its claim on the reminder had expired."
HELD_BACK_TEXT = "Not sent yet: this worker's claim was close to running out; it goes in a later batch."


def classify(error: BaseException) -> Outcome:
    """What an exception raised while sending one message means (see the module docstring)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # One recipient per message: its reply decides. 421 at RCPT closes the connection.
        codes = [code for code, _ in error.recipients.values()]
        return _by_reply(codes[0] if codes else 421)
    if isinstance(error, smtplib.SMTPDataError):
        return _by_reply(error.smtp_code)
    return Outcome.SERVER_UNAVAILABLE


def _by_reply(code: int) -> Outcome:
    if code == 421 or not 400 <= code < 600:
        return Outcome.SERVER_UNAVAILABLE
    return Outcome.RECIPIENT_DEFERRED if code < 500 else Outcome.RECIPIENT_REFUSED


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:1000]


@dataclass(frozen=True)
class Delivered:
    """The outcome of one message; ``detail`` is that message's own error text, or ''."""

    key: Hashable
    outcome: Outcome
    detail: str = ""


class Delivery:
    """Sends messages over up to ``connections`` connections, one thread each; results come back
    through :meth:`results` in the caller's thread. Use as a context manager (threads stop and
    connections close on exit)."""

    def __init__(self, make_mailer: Callable[[], Mailer], connections: int = 1):
        self.make_mailer = make_mailer
        self.connections = max(1, int(connections))
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._alive = 0
        self._revoked: set[Hashable] = set()
        self.outstanding = 0  # submitted, result not yet taken
        self.failed_connections = 0

    # -- the caller's side --------------------------------------------------------------------

    def __enter__(self) -> Delivery:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        # After an error in the sweep nothing it queued is sent: those rows stay 'sending' and
        # go again after their lease, instead of going now with nobody to record them.
        self.close(abort=exc_type is not None)

    @property
    def unavailable(self) -> bool:
        """True once every connection has failed: nothing more will be sent in this sweep."""
        return bool(self._threads) and self._alive == 0

    def submit(self, key: Hashable, message: EmailMessage, may_send: Callable[[], bool] | None = None) -> None:
        """Queue one message; its :class:`Delivered` comes back from :meth:`results`.

        ``may_send``, when given, is asked by the connection just before it sends (in that
        connection's thread): False hands the message back unsent, NOT_TRIED with HELD_BACK_TEXT
        (the caller's claim on it is too close to its end to start a send that could outlive it)."""
        if not self._threads:
            self._start()
        self.outstanding += 1
        with self._lock:
            if self._alive == 0:
                self._results.put(Delivered(key, Outcome.NOT_TRIED, NOT_TRIED_TEXT))
            else:
                self._jobs.put((key, message, may_send))

    def revoke(self, keys) -> None:
        """Do not send these if they are still waiting (their lease was lost): NOT_TRIED."""
        with self._lock:
            self._revoked.update(keys)

    def results(self, timeout: float | None = 0) -> list[Delivered]:
        """Outcomes ready now; with a timeout, waits up to that long for the first one."""
        found: list[Delivered] = []
        if self.outstanding == 0:
            return found
        try:
            found.append(self._results.get(timeout=timeout) if timeout else self._results.get_nowait())
        except queue.Empty:
            return found
        while True:
            try:
                found.append(self._results.get_nowait())
            except queue.Empty:
                break
        self.outstanding -= len(found)
        return found

    def close(self, abort: bool = False) -> None:
        """Stop the connections once the queued messages are sent (or, with ``abort``, dropped)."""
        while abort:
            try:
                self._jobs.get_nowait()
            except queue.Empty:
                break
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()
        self._threads = []

    # -- the connections' side ----------------------------------------------------------------

    def _start(self) -> None:
        self._alive = self.connections
        for n in range(self.connections):
            thread = threading.Thread(target=self._connection, name=f"mail-connection-{n + 1}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def _connection(self) -> None:
        mailer: Mailer | None = None
        try:
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                key, message, may_send = job
                with self._lock:
                    revoked = key in self._revoked
                if revoked:
                    self._results.put(Delivered(key, Outcome.NOT_TRIED, LEASE_LOST_TEXT))
                    continue
                if may_send is not None and not may_send():
                    self._results.put(Delivered(key, Outcome.NOT_TRIED, HELD_BACK_TEXT))
                    continue
                try:
                    if mailer is None:
                        candidate = self.make_mailer()
                        candidate.__enter__()
                        mailer = candidate
                    mailer.send(message)
                except Exception as error:  # what it means is decided by classify()
                    outcome = classify(error)
                    self._results.put(Delivered(key, outcome, describe(error)))
                    if outcome == Outcome.SERVER_UNAVAILABLE:
                        log.warning("mail connection failed, not used again in this sweep: %s", describe(error))
                        self._give_up()
                        return
                else:
                    self._results.put(Delivered(key, Outcome.SENT))
        finally:
            if mailer is not None:
                try:
                    mailer.__exit__(None, None, None)
                except Exception:
                    log.exception("closing a mail connection failed")

    def _give_up(self) -> None:
        """This connection is done; the last one to go hands back every message still waiting."""
        with self._lock:
            self._alive -= 1
            self.failed_connections += 1
            if self._alive > 0:
                return
            while True:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is not None:
                    self._results.put(Delivered(job[0], Outcome.NOT_TRIED, NOT_TRIED_TEXT))
                else:
                    self._jobs.put(None)  # a stop signal for another thread: keep it
                    break
