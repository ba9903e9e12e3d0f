"""The signed-in navigation: the current section marked, and a sign-out form with the session's
own CSRF token (the links are kept per page kind; the token never is)."""
from __future__ import annotations

import re

from builders import signed_in
from support import Browser, create_plan


SIGN_OUT_TOKEN = re.compile(r'action="/logout" class="inline">\s*<input type="hidden" name="csrf_token" value="([^"]+)"')


def current_links(html: str) -> list[str]:
    return re.findall(r'<a href="[^"]+" aria-current="page">([^<]+)</a>', html)


def test_the_current_section_is_marked_in_both_menus(app, user_browser):
    plan_id = create_plan(user_browser)
    assert current_links(user_browser.get("/").text) == ["Dashboard", "Dashboard"]
    assert current_links(user_browser.get(f"/plans/{plan_id}").text) == ["Plans", "Plans"]
    assert current_links(user_browser.get("/credentials/").text) == ["Credentials", "Credentials"]
    assert current_links(user_browser.get("/settings/").text) == ["Settings", "Settings"]
    assert current_links(user_browser.get("/ceus/").text) == []  # the CEU log is in no section


def test_each_session_signs_out_with_its_own_token(app, clock):
    laptop, phone = Browser(app.test_client()), Browser(app.test_client())
    signed_in(laptop)
    laptop_page = laptop.get("/ladder/").text  # the ladder's navigation is kept now, without a token
    response = phone.post("/login", {"email": "coder@example.com", "password": "correct horse battery"})
    assert response.status_code == 302
    phone_page = phone.get("/ladder/").text
    laptop_tokens, phone_tokens = (set(SIGN_OUT_TOKEN.findall(page)) for page in (laptop_page, phone_page))
    assert len(laptop_tokens) == len(phone_tokens) == 1 and laptop_tokens != phone_tokens
    signed_out = phone.client.post("/logout", data={"csrf_token": phone_tokens.pop()})
    assert signed_out.status_code == 302
    assert phone.get("/ladder/").status_code == 302  # signed out (everywhere, by design)
