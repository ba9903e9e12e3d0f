"""Helpers for tests that act as a person would: a CSRF-aware client, sign-up, plan creation."""
from __future__ import annotations

import html
import re

PASSWORD = "correct horse battery"


class Browser:
    """A test client that behaves like a person's browser: it sends the form's CSRF token."""

    TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')

    def __init__(self, client):
        self.client = client
        self._token: str | None = None

    def token(self) -> str:
        if self._token is None:
            page = self.client.get("/login" if not self._signed_in() else "/settings/")
            self._token = self.TOKEN.search(page.text).group(1)
        return self._token

    def _signed_in(self) -> bool:
        return self.client.get("/settings/").status_code == 200

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
    response = browser.post("/register", {"email": email, "password": password, "time_zone": zone})
    browser.forget_token()
    return response


def create_plan(browser: Browser, template="cpc", start="2027-01-04", pace="full_time", **extra) -> int:
    response = browser.post("/plans/new", {"template": template, "start_date": start, "pace": pace, **extra})
    assert response.status_code == 302, response.text
    return int(response.location.rsplit("/", 1)[-1])


def text_of(response) -> str:
    """The page's visible text with whitespace folded (for asserting what a person reads)."""
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.text, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body)).strip()
