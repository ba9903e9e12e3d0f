"""Mail goes out through a real SMTP server (aiosmtpd on localhost), or to the file outbox."""
from __future__ import annotations

import re
import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from tracker.mail import MailError, OutboxMailer, SMTPMailer, build_message, mailer_from_config, send_one

from builders import make_user
from support import Browser


class Recorder(Message):
    def __init__(self):
        super().__init__()
        self.messages = []
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    def handle_message(self, message):
        self.messages.append(message)


def free_port() -> int:
    # aiosmtpd cannot bind port 0: pick a free one first.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, recorder
    controller.stop()


def message(n: int):
    return build_message(sender="Rungs <no-reply@rungs.test>", to=f"user{n}@example.com", subject=f"Hello {n}", text="Plain", html="<p>Rich</p>")


def test_smtp_mailer_reuses_one_connection_for_a_batch(smtp_server):
    controller, recorder = smtp_server
    mailer = SMTPMailer(controller.hostname, controller.port, timeout=5)
    with mailer:
        for n in range(3):
            mailer.send(message(n))
    assert [m["To"] for m in recorder.messages] == ["user0@example.com", "user1@example.com", "user2@example.com"]
    assert recorder.connections == 1
    assert len({m["Message-ID"] for m in recorder.messages}) == 3


def test_messages_have_plain_text_and_html_parts(smtp_server):
    controller, recorder = smtp_server
    SMTPMailer(controller.hostname, controller.port, timeout=5).send(message(1))
    [received] = recorder.messages
    assert received.is_multipart()
    assert [part.get_content_type() for part in received.get_payload()] == ["text/plain", "text/html"]


def test_a_refused_connection_raises_instead_of_hanging():
    mailer = SMTPMailer("127.0.0.1", free_port(), timeout=2)
    with pytest.raises(OSError):
        mailer.send(message(1))


def test_send_one_wraps_a_refused_connection_in_mail_error():
    """Callers of the one-message path catch MailError, never smtplib's or the socket's errors."""
    config = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": free_port(), "MAIL_USE_TLS": False, "MAIL_USE_SSL": False,
              "MAIL_USERNAME": None, "MAIL_PASSWORD": None, "MAIL_TIMEOUT": 2}
    message = build_message(sender="a@example.com", to="b@example.com", subject="Hi", text="Hi", html="<p>Hi</p>")
    with pytest.raises(MailError) as caught:
        send_one(config, message)
    assert isinstance(caught.value.__cause__, OSError)


def test_without_mail_server_messages_go_to_the_outbox_folder(tmp_path):
    mailer = mailer_from_config({"MAIL_SERVER": None, "MAIL_OUTBOX_DIR": str(tmp_path / "outbox")})
    assert isinstance(mailer, OutboxMailer)
    mailer.send(message(1))
    [written] = (tmp_path / "outbox").glob("*.eml")
    assert b"user1@example.com" in written.read_bytes()


def test_password_reset_email_arrives_over_smtp(app, clock, smtp_server):
    controller, recorder = smtp_server
    app.config.update(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    browser = Browser(app.test_client())
    make_user(app)
    browser.post("/reset", {"email": "coder@example.com"})
    [received] = recorder.messages
    assert received["X-RcptTo"] == "coder@example.com"
    assert "/reset/" in received.get_payload()[0].get_payload(decode=True).decode()


def test_a_reset_request_still_answers_when_smtp_is_down(app, clock):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    browser = Browser(app.test_client())
    make_user(app)
    response = browser.post("/reset", {"email": "coder@example.com"})
    assert response.status_code == 302


def test_a_sign_up_request_still_answers_when_smtp_is_down(app, clock, caplog):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
    browser = Browser(app.test_client())
    response = browser.post("/register", {"email": "new@example.com"})
    assert response.status_code == 302 and response.location == "/register/sent"
    assert "could not send a sign-up email" in caplog.text


def test_the_sign_up_email_arrives_over_smtp(app, clock, smtp_server):
    controller, recorder = smtp_server
    app.config.update(MAIL_SERVER=controller.hostname, MAIL_PORT=controller.port)
    Browser(app.test_client()).post("/register", {"email": "new@example.com"})
    [received] = recorder.messages
    assert received["X-RcptTo"] == "new@example.com"
    assert "/register/" in received.get_payload()[0].get_payload(decode=True).decode()


def test_a_long_list_unsubscribe_url_is_written_as_the_url_on_one_line():
    url = "<http://127.0.0.1:5000/reminders/unsubscribe/" + "t" * 90 + ">"
    built = build_message(sender="Rungs <no-reply@rungs.test>", to="user@example.com", subject="Hello",
                          text="Plain", headers={"List-Unsubscribe": url})
    assert f"List-Unsubscribe: {url}\n".encode() in bytes(built)


def test_non_ascii_subjects_are_encoded_and_line_breaks_in_headers_refused():
    built = build_message(sender="Rungs <no-reply@rungs.test>", to="user@example.com", subject="Café — CPC",
                          text="Plain")
    assert b"Subject: =?utf-8?" in bytes(built) and built["Subject"] == "Café — CPC"
    with pytest.raises(ValueError):
        build_message(sender="Rungs <no-reply@rungs.test>", to="user@example.com\r\nBcc: x@example.com",
                      subject="Hello", text="Plain")


@pytest.mark.parametrize(("text", "html"), [
    ("Plain", "<p>Rich</p>"),
    ("Plain only", None),
    ("Café — ünï\nline two\n\n", "<p>café</p>\n"),
    ("a\r\nb\rc\n", "<p>\r\n</p>"),
])
def test_messages_are_the_bytes_the_standard_library_would_write(text, html):
    from email.message import EmailMessage

    reference = EmailMessage()
    for name, value in (("From", "Rungs <no-reply@rungs.test>"), ("To", "user@example.com"), ("Subject", "Hello"),
                        ("Date", "Mon, 23 Nov 2026 15:00:00 +0000"), ("Message-ID", "<x@rungs.test>")):
        reference[name] = value
    reference.set_content(text)
    if html is not None:
        reference.add_alternative(html, subtype="html")
    built = build_message(sender="Rungs <no-reply@rungs.test>", to="user@example.com", subject="Hello", text=text,
                          html=html, message_id="<x@rungs.test>")
    built.replace_header("Date", "Mon, 23 Nov 2026 15:00:00 +0000")
    boundary = re.compile(rb"=+\d+==")
    assert boundary.sub(b"-", bytes(built)) == boundary.sub(b"-", bytes(reference))


@pytest.mark.parametrize(("text", "html"), [
    ("x" * 200 + "\nshort", "<p>" + "y" * 300 + "</p>"),
    ("é" * 100 + " = 3 =\n.dot line\ntrailing space \n", None),
    ("See https://rungs.example.org/reminders/unsubscribe/" + "A" * 90 + " now\r\nbye", "<a href=\"https://x/" + "B" * 120 + "\">é</a>"),
])
def test_long_lines_go_quoted_printable_and_read_back_as_written(text, html):
    import email
    from email import policy

    built = build_message(sender="Rungs <no-reply@rungs.test>", to="user@example.com", subject="Hello", text=text,
                          html=html, message_id="<x@rungs.test>")
    raw = bytes(built)
    assert max(len(line.rstrip(b"\r")) for line in raw.split(b"\n")) <= 78
    parsed = email.message_from_bytes(raw, policy=policy.default)
    parts = list(parsed.iter_parts()) if html is not None else [parsed]
    expected = [text, html] if html is not None else [text]
    for part, original in zip(parts, expected):
        assert part["Content-Transfer-Encoding"] == "quoted-printable"
        assert part.get_content_charset() == "utf-8"
        assert part.get_content() == "\n".join(original.splitlines()) + "\n"


@pytest.mark.parametrize("long_lines", [False, True])
def test_the_smtp_mailer_puts_the_bytes_send_message_would_on_the_wire(long_lines):
    """SMTPMailer takes a shorter path than smtplib's send_message (see tracker.mail._send): the
    envelope and the DATA bytes must be the same; unusual headers still go through send_message."""
    import smtplib

    from smtp_server import SMTPServer

    server = SMTPServer()
    server.start()
    try:
        link = "https://rungs.example/reminders/unsubscribe/" + "t" * 120 if long_lines else "https://rungs.example/"
        made = [
            build_message(sender="Rungs <no-reply@rungs.test>", to="Ann Coder <ann@example.com>", subject="Due soon — café",
                          text=f"Plain é\n.leading dot\n{link}", html=f"<p>Rich</p>\n<a href='{link}'>x</a>",
                          message_id="<fixed@rungs.test>", headers={"List-Unsubscribe": f"<{link}>"}),
            build_message(sender="no-reply@rungs.test", to="bob@example.com", subject="Plain only", text="Hi\n.\n..",
                          message_id="<fixed2@rungs.test>"),
        ]
        made[1]["Cc"] = "carol@example.com"  # unusual: the standard path
        with SMTPMailer("127.0.0.1", server.port, timeout=5) as mailer:
            for message in made:
                mailer.send(message)
        connection = smtplib.SMTP("127.0.0.1", server.port, timeout=5)
        for message in made:
            connection.send_message(message)
        connection.quit()
        ours, theirs = server.recorder.envelopes[:2], server.recorder.envelopes[2:]
        assert ours == theirs
        assert ours[1][1] == ["bob@example.com", "carol@example.com"]
    finally:
        server.stop()
