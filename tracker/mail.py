"""Sending email: one small Mailer interface, three ways to deliver.

- SMTPMailer: smtplib with a timeout; one connection is reused for a batch (``with mailer:``).
- OutboxMailer: writes each message as an .eml file, for development when no MAIL_SERVER is set.
- MemoryMailer: keeps messages in a list, for unit tests of code that sends.

:func:`send_one` sends a single message and raises :class:`MailError` for any failure, so its
callers need not know smtplib.

Flask-Mail is deliberately not used: it has no SMTP timeout and skips SMTP entirely when TESTING.
"""
from __future__ import annotations

import binascii
import itertools
import random
import re
import smtplib
import ssl
import sys
import uuid
from email import policy as email_policy
from email.headerregistry import HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path
from typing import Protocol

from .domain.clock import utc_now


class _HeaderClasses(HeaderRegistry):
    """The standard header registry, but each header's class is made once: the standard one makes
    a new class for every header of every message, most of the time it takes to build one."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        made = self._made.get(key)
        if made is None:
            made = self._made[key] = super().__getitem__(name)
        return made


class _Policy(email_policy.EmailPolicy):
    """The default email policy, except that a printable ASCII header value is kept as the text it
    is (as in a message read from bytes) and parsed only if read back: most messages are only
    written out, and parsing every header was most of the time it took to build one. Such a value
    is written on one line (up to RFC 5322's 998 characters), never folded or encoded: a long
    List-Unsubscribe URL stays a URL (the standard policy turned it into RFC 2047 encoded words,
    which mail clients do not read as a link). Anything else (non-ASCII, control characters,
    over-long) goes through the standard parsing; CR and LF are still refused."""

    def header_store_parse(self, name, value):
        if isinstance(value, str) and value.isascii() and value.isprintable() and len(name) + len(value) + 2 <= 998:
            if not name.lower().startswith(("content-", "mime-")):
                return (name, value)
            # MIME headers are read back while the parts are built: parsed here, once, and the
            # same few (text/plain; charset="utf-8"...) reused by every message.
            key = (name.lower(), value)
            parsed = _MIME_HEADERS.get(key)
            if parsed is None:
                parsed = super().header_store_parse(name, value)[1]
                if len(_MIME_HEADERS) >= 256:
                    _MIME_HEADERS.clear()  # boundaries are unique: keep the cache small
                _MIME_HEADERS[key] = parsed
            return (name, parsed)
        return super().header_store_parse(name, value)

    def _fold(self, name, value, refold_binary=False):
        # A parsed header (the MIME ones above) that fits on one line is written as its text:
        # the same bytes the standard refolding of its parse tree writes, without the refolding
        # (a quarter of the time it took to write a message out).
        if hasattr(value, "name"):
            text = str(value)
            if len(name) + len(text) + 2 <= self.max_line_length and text.isascii() and text.isprintable():
                return f"{name}: {text}{self.linesep}"
        return super()._fold(name, value, refold_binary)


_MIME_HEADERS: dict[tuple[str, str], object] = {}


# What every message is built with (see above); refold_source="none": values stored as text are
# written as they are.
POLICY = _Policy(header_factory=_HeaderClasses(), refold_source="none")


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def __enter__(self) -> Mailer: ...

    def __exit__(self, *exc) -> None: ...


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A plain-text email with an optional HTML alternative and a fixed Message-ID."""
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utc_now())
    domain = sender.rsplit("@", 1)[-1].strip("> ") or "localhost"
    message["Message-ID"] = message_id or make_msgid(domain=domain)
    for name, value in (headers or {}).items():
        message[name] = value
    # The same structure and bytes as message.set_content(text) then
    # message.add_alternative(html, subtype="html"), put together directly (see _set_text).
    if html is None:
        _set_text(message, text, "plain")
        message["MIME-Version"] = "1.0"
        return message
    message["MIME-Version"] = "1.0"
    # The boundary the generator would choose (its format), chosen here: the generator otherwise
    # compiles a regular expression per message to check it and re-parses the header to set it.
    # 63 random bits never occur in the text by chance.
    message["Content-Type"] = f'multipart/alternative; boundary="{"=" * 15}{random.randrange(sys.maxsize):019d}=="'
    plain, rich = EmailMessage(policy=POLICY), EmailMessage(policy=POLICY)
    _set_text(plain, text, "plain")
    _set_text(rich, html, "html")
    rich["MIME-Version"] = "1.0"  # as add_alternative writes it
    message.attach(plain)
    message.attach(rich)
    return message


def _set_text(part: EmailMessage, content: str, subtype: str) -> None:
    """What the standard content manager does for text (``set_content``), without its detours
    for the usual case: lines short enough to go as they are (7bit, or 8bit UTF-8), byte-identical
    to it. Longer lines go quoted-printable, encoded by binascii (lines of at most 76 characters)."""
    lines = content.encode("utf-8").splitlines()
    if max((len(line) for line in lines), default=0) > POLICY.max_line_length:
        # Quoted-printable (RFC 2045) by binascii's C encoder: the email package's encoder is pure
        # Python and was a fifth of a reminder's cost (its links make lines longer than 78).
        part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
        part["Content-Transfer-Encoding"] = "quoted-printable"
        part.set_payload(binascii.b2a_qp(b"\n".join(lines) + b"\n", istext=True).decode("ascii"))
        return
    body = b"\n".join(lines) + b"\n"
    part["Content-Type"] = f'text/{subtype}; charset="utf-8"'
    part["Content-Transfer-Encoding"] = "7bit" if body.isascii() else "8bit"
    part.set_payload(body.decode("ascii", "surrogateescape"))


class SMTPMailer:
    """Delivers through an SMTP server; reuses one connection inside ``with mailer:``."""

    def __init__(
        self,
        host: str,
        port: int = 25,
        *,
        use_tls: bool = False,
        use_ssl: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30,
    ):
        self.host, self.port = host, port
        self.use_tls, self.use_ssl = use_tls, use_ssl
        self.username, self.password = username, password
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls and not self.use_ssl:
                connection.starttls(context=ssl.create_default_context())
            if self.username:
                connection.login(self.username, self.password or "")
        except BaseException:
            connection.close()  # a failed STARTTLS or sign-in must not leave the socket open
            raise
        return connection

    def __enter__(self) -> SMTPMailer:
        self._connection = self._connect()
        return self

    def __exit__(self, *exc) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.quit()
            except smtplib.SMTPException:
                connection.close()
            except OSError:
                pass

    def send(self, message: EmailMessage) -> None:
        if self._connection is not None:
            _send(self._connection, message)
            return
        with self:
            assert self._connection is not None
            _send(self._connection, message)


def _send(connection: smtplib.SMTP, message: EmailMessage) -> None:
    """``connection.send_message(message)``, the same bytes on the wire, in half the time for the
    messages this app builds: the envelope comes from the raw From and To values (send_message
    parses every address header with the email package's header parser), and the message is
    written once with "\n" and turned into CRLF (send_message clones the policy for every message
    to write CRLF). Anything unusual (Sender, Cc, Bcc, Resent-*, non-ASCII addresses, a bare CR)
    goes through send_message itself."""
    raw = {}
    for name, value in message.raw_items():
        key = name.lower()
        if key in _UNUSUAL_HEADERS or key.startswith("resent-") or not isinstance(value, str):
            connection.send_message(message)
            return
        raw[key] = value
    sender = getaddresses([raw.get("from", "")])
    recipients = [address for _, address in getaddresses([raw.get("to", "")]) if address]
    data = message.as_bytes()
    if (len(sender) != 1 or not sender[0][1] or not recipients or not (sender[0][1] + "".join(recipients)).isascii()
            or b"\r" in data):
        connection.send_message(message)
        return
    connection.sendmail(sender[0][1], recipients, data.replace(b"\n", b"\r\n"))


_UNUSUAL_HEADERS = {"sender", "cc", "bcc"}


# Orders the files one process writes within the same second (names sort in sending order).
_outbox_sequence = itertools.count(1)


class OutboxMailer:
    """Writes each message to ``directory`` as an .eml file (development without SMTP)."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def __enter__(self) -> OutboxMailer:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send(self, message: EmailMessage) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = utc_now().strftime("%Y%m%dT%H%M%S")
        subject = re.sub(r"[^A-Za-z0-9]+", "-", str(message["Subject"] or "message")).strip("-")
        name = f"{stamp}-{next(_outbox_sequence):06d}-{subject[:40].lower()}-{uuid.uuid4().hex[:8]}.eml"
        (self.directory / name).write_bytes(bytes(message))


class MemoryMailer:
    """Keeps sent messages in ``self.sent`` (tests of code that sends)."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def __enter__(self) -> MemoryMailer:
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


def mailer_from_config(config) -> Mailer:
    """The mailer the configuration asks for: SMTP when MAIL_SERVER is set, else the file outbox."""
    if config.get("MAIL_SERVER"):
        return SMTPMailer(
            config["MAIL_SERVER"],
            config["MAIL_PORT"],
            use_tls=config["MAIL_USE_TLS"],
            use_ssl=config["MAIL_USE_SSL"],
            username=config["MAIL_USERNAME"],
            password=config["MAIL_PASSWORD"],
            timeout=config["MAIL_TIMEOUT"],
        )
    return OutboxMailer(config["MAIL_OUTBOX_DIR"])


class MailError(Exception):
    """A message could not be handed over: the mail server refused it, could not be reached or
    hung up, or the outbox could not be written. The transport's own error is its ``__cause__``."""


def send_one(config, message: EmailMessage) -> None:
    """Send one message with the configured mailer; :class:`MailError` when it cannot be sent.

    For the emails a person waits for (sign-up, reset, email change). The reminder sweep keeps
    using the mailers directly, since it tells a recipient's refusal from a server fault by the
    smtplib error itself.
    """
    try:
        mailer_from_config(config).send(message)
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"{type(error).__name__}: {error}") from error
