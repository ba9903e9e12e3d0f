"""Changing the email: asked for with the password, made only when the new address follows the
link sent to it, the old address told; the link works once and dies with the account."""
from __future__ import annotations

import re

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import User

from builders import make_user, signed_in
from support import PASSWORD, Browser, outbox_messages, text_of

LINK = re.compile(r"https?://[^/\s]+(/email-change/\S+)")


def emails_to(app, address: str):
    return [m for m in outbox_messages(app) if str(m["To"]).lower() == address]


def change_link(app, address: str) -> str:
    return LINK.search(emails_to(app, address)[-1].get_body(("plain",)).get_content()).group(1)


def email_of(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.execute(select(User.email)).scalars())


def ask(browser: Browser, new: str = "new@example.com", password: str = PASSWORD):
    return browser.post("/settings/email", {"new_email": new, "password": password})


def test_the_email_changes_only_when_the_new_address_follows_the_link(app, user_browser):
    response = ask(user_browser)
    assert response.status_code == 302
    assert "We sent a link to new@example.com" in text_of(user_browser.get("/settings/"))
    assert email_of(app) == ["coder@example.com"]
    [notice] = emails_to(app, "coder@example.com")[-1:]
    assert "asked to change its email address to new@example.com" in notice.get_body(("plain",)).get_content()

    link = change_link(app, "new@example.com")
    stranger = Browser(app.test_client())  # the link works on any device, signed in or not
    page = stranger.get(link)
    assert page.status_code == 200 and email_of(app) == ["coder@example.com"]  # GET changes nothing
    assert "Move the Rungs account of coder@example.com to new@example.com" in text_of(page)
    token = Browser.TOKEN.search(page.text).group(1)
    assert stranger.client.post(link, data={"csrf_token": token}).status_code == 302
    assert email_of(app) == ["new@example.com"]
    done = emails_to(app, "coder@example.com")[-1].get_body(("plain",)).get_content()
    assert "is now new@example.com" in done

    # Once: the link is dead now, and signing in takes the new address.
    assert stranger.get(link).status_code == 302
    assert email_of(app) == ["new@example.com"]


def test_a_wrong_password_sends_nothing(app, user_browser):
    before = len(outbox_messages(app))
    response = ask(user_browser, password="not my password")
    assert response.status_code == 422
    assert "That is not your password" in text_of(response)
    assert len(outbox_messages(app)) == before


def test_another_accounts_address_is_refused(app, clock):
    make_user(app, email="first@example.com")
    second = signed_in(Browser(app.test_client()), email="second@example.com")
    response = ask(second, new="First@Example.com")
    assert response.status_code == 422 and "Another account uses this email." in text_of(response)


def test_an_address_taken_before_the_link_is_followed_is_refused(app, user_browser):
    ask(user_browser)
    link = change_link(app, "new@example.com")
    make_user(app, email="new@example.com")
    page = user_browser.get(link)
    token = Browser.TOKEN.search(page.text).group(1)
    response = user_browser.client.post(link, data={"csrf_token": token})
    assert response.status_code == 422 and "Another account uses this email now" in text_of(response)
    assert email_of(app) == ["coder@example.com", "new@example.com"]


def test_a_tampered_link_is_refused(app, user_browser):
    ask(user_browser)
    link = change_link(app, "new@example.com")
    assert user_browser.get(link[:-2] + "xx").status_code == 302
    assert user_browser.get(link.replace("email-change/", "email-change/x")).status_code == 302


def test_a_password_change_revokes_api_tokens_and_says_so(app, user_browser):
    from tracker.services import api_tokens

    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        secret = api_tokens.create_token(user, "script")[1]
    headers = {"Authorization": f"Bearer {secret}"}
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 200
    response = user_browser.post("/settings/password", {"current_password": PASSWORD, "new_password": "a brand new passphrase"})
    assert response.status_code == 302
    assert "your API tokens are revoked" in text_of(user_browser.get("/settings/"))
    assert app.test_client().get("/api/v1/me", headers=headers).status_code == 401
