"""No account takeover by id reuse: nothing of a deleted account (session or remember cookie, reset,
unsubscribe or sign-up link, API token, calendar feed) signs in or acts on the next account, even
one that gets the deleted account's id."""
from __future__ import annotations

import re

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ReminderPreference, User
from tracker.passwords import hash_password
from tracker.services import accounts, api_tokens
from tracker.services import reminders as reminder_service

from support import PASSWORD, Browser, register, sign_up_link
from test_calendar_feed import turn_on_feed

OLD, NEW = "leaver@example.com", "newcomer@example.com"


def user_id(app, email: str) -> int:
    with app.app_context():
        return db.session.execute(select(User.id).where(User.email == email)).scalar_one()


def capture_everything(app, browser: Browser) -> dict:
    """Every cookie, link and token the account at ``OLD`` has been given."""
    browser.post("/logout")
    browser.forget_token()
    assert browser.post("/login", {"email": OLD, "password": PASSWORD, "remember": "y"}).status_code == 302
    browser.forget_token()
    found = {
        "session": browser.client.get_cookie("session").value,
        "remember": browser.client.get_cookie("remember_token").value,
        "sign_up": sign_up_link(app, OLD),
        "feed": turn_on_feed(browser)[0],
    }
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == OLD)).scalar_one()
        found["api"] = api_tokens.create_token(user, "script")[1]
        found["reset"] = "/reset/" + accounts.make_reset_token(user, app.config["SECRET_KEY"])
        found["unsubscribe"] = "/reminders/unsubscribe/" + reminder_service.unsubscribe_token(user, "all")
        change = accounts.request_email_change(user, "moved@example.com", PASSWORD, app.config["SECRET_KEY"])
        found["email_change"] = "/email-change/" + change.token
    assert app.test_client().post(found["unsubscribe"]).status_code == 200  # it worked while the account lived
    return found


def assert_all_dead(app, old: dict) -> None:
    for name in ("session", "remember"):
        client = app.test_client()
        client.set_cookie(name, old[name], domain="localhost")
        response = client.get("/settings/")
        assert response.status_code == 302 and "/login" in response.location, name
    assert app.test_client().get(old["reset"]).location.endswith("/reset")
    assert app.test_client().get(old["email_change"]).location.endswith("/login")
    client = app.test_client()
    assert client.post(old["unsubscribe"]).status_code == 404
    assert client.get(old["unsubscribe"]).status_code == 404
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {old['api']}"}).status_code == 401
    assert client.get(old["feed"]).status_code == 404
    # The old sign-up link names the old address only: it never signs anyone into the new account.
    client.get(old["sign_up"])
    assert client.get("/settings/").status_code == 302
    with app.app_context():
        newcomer = db.session.execute(select(User).where(User.email == NEW)).scalar_one()
        prefs = db.session.execute(select(ReminderPreference).where(ReminderPreference.user_id == newcomer.id)).scalar_one_or_none()
        assert prefs is None or not prefs.paused


def delete(browser: Browser) -> None:
    browser.forget_token()
    assert browser.post("/settings/delete", {"password": PASSWORD}).status_code == 302
    browser.forget_token()


def test_a_deleted_accounts_id_is_never_given_to_the_next_account(app, clock):
    leaver = Browser(app.test_client())
    register(leaver, email=OLD)
    old_id = user_id(app, OLD)
    delete(leaver)
    assert register(Browser(app.test_client()), email=NEW).status_code == 302
    assert user_id(app, NEW) > old_id


def test_nothing_of_a_deleted_account_works_on_a_new_account_with_its_id(app, clock):
    """The new account is given the old id outright (a database without AUTOINCREMENT, or one
    restored from a backup): the per-account secret still keeps every old token dead."""
    leaver = Browser(app.test_client())
    register(leaver, email=OLD)
    old_id = user_id(app, OLD)
    old = capture_everything(app, leaver)
    delete(leaver)
    with app.app_context():
        db.session.add(User(id=old_id, email=NEW, password_hash=hash_password(PASSWORD), time_zone="UTC"))
        db.session.commit()
    assert_all_dead(app, old)


def test_old_tokens_are_dead_for_a_new_account_signed_up_after_the_deletion(app, clock):
    leaver = Browser(app.test_client())
    register(leaver, email=OLD)
    old = capture_everything(app, leaver)
    delete(leaver)
    assert register(Browser(app.test_client()), email=NEW).status_code == 302
    assert_all_dead(app, old)


def test_every_account_gets_its_own_random_secret(app, clock):
    register(Browser(app.test_client()), email=OLD)
    register(Browser(app.test_client()), email=NEW)
    with app.app_context():
        secrets = db.session.execute(select(User.auth_secret)).scalars().all()
    assert len(set(secrets)) == 2 and all(re.fullmatch(r"[0-9a-f]{64}", s) for s in secrets)
