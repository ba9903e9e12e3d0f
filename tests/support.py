"""Helpers for tests that act as a person would: a CSRF-aware client, sign-up, plan creation."""
from __future__ import annotations

import email
import email.policy
import html
import re
from pathlib import Path

PASSWORD = "correct horse battery"


class Browser:
    """A test client that behaves like a person's browser: it sends the form's CSRF token."""

    TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

    def __init__(self, client):
        self.client = client
        self._token: str | None = None

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/settings/")  # signed in: the settings page carries a token
            if page.status_code != 200:
                page = self.client.get("/login")
            self._token = self.TOKEN.search(page.text).group(1)
        return self._token

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def post(self, url, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        return self.client.post(url, data=data, **kwargs)

    def forget_token(self) -> None:
        self._token = None


def register(browser: Browser, email: str = "coder@example.com", password: str = PASSWORD, zone: str = "America/New_York"):
    """Sign up as a person does: enter the email, open the emailed link, choose password and zone.

    Returns the first answer that is not a success (the 422 of a bad field) or the last one (302 to
    the new-plan page once the account exists). An address that already has an account gets no
    link: the 302 of step one is returned.
    """
    app = browser.client.application
    # The sign-up email goes to the outbox folder, where this reads it, even in a test that points
    # MAIL_SERVER at an SMTP server for the emails it is about (which then sees only those).
    mail_server, app.config["MAIL_SERVER"] = app.config.get("MAIL_SERVER"), None
    try:
        response = browser.post("/register", {"email": email})
    finally:
        app.config["MAIL_SERVER"] = mail_server
    browser.forget_token()
    if response.status_code != 302:
        return response
    link = sign_up_link(app, email)
    if link is None:
        return response
    response = browser.post(link, {"password": password, "time_zone": zone})
    browser.forget_token()
    return response


def outbox_messages(app) -> list[email.message.EmailMessage]:
    """Every email the app wrote to its development outbox folder, oldest first."""
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    files = sorted(folder.glob("*.eml"), key=lambda f: (f.stat().st_mtime_ns, f.name)) if folder.exists() else []
    return [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]


SIGN_UP_LINK = re.compile(r"https?://[^/\s]+(/register/[^\s]+)")


def sign_up_link(app, address: str) -> str | None:
    """The path of the sign-up link in the newest email to ``address`` (None when it has none)."""
    address = address.strip().lower()
    mine = [m for m in outbox_messages(app) if str(m["To"]).lower() == address]
    if not mine:
        return None
    found = SIGN_UP_LINK.search(mine[-1].get_body(("plain",)).get_content())
    return found.group(1) if found else None


def create_plan(browser: Browser, template="cpc", start="2027-01-04", pace="full_time", **extra) -> int:
    response = browser.post("/plans/new", {"template": template, "start_date": start, "pace": pace, **extra})
    assert response.status_code == 302, response.text
    return int(response.location.rsplit("/", 1)[-1])


def text_of(response) -> str:
    """The page's visible text with whitespace folded (for asserting what a person reads)."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.text, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body)).strip()


def rest_of_output(process, timeout: float) -> str:
    """Everything a process started with ``stdout=PIPE, text=True`` writes until it exits, after
    a test has read some of it line by line. ``communicate(timeout=...)`` would read the pipe's
    descriptor directly and lose what that line-by-line read had already buffered (gunicorn's
    last "Booting worker" line, once). Drained in a thread, so a full pipe never blocks the exit."""
    import threading

    chunks: list[str] = []
    reader = threading.Thread(target=lambda: chunks.append(process.stdout.read()), daemon=True)
    reader.start()
    process.wait(timeout=timeout)
    reader.join(timeout=timeout)
    process.stdout.close()
    return "".join(chunks)
