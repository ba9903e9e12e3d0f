"""Accounts: register, sign in and out, change and reset passwords; sessions end when they should."""
from __future__ import annotations

import datetime as dt
import email
import re
from pathlib import Path

from argon2 import extract_parameters
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import User

from support import PASSWORD, Browser, outbox_messages, register, sign_up_link, text_of


def users(app):
    with app.app_context():
        return db.session.execute(select(User)).scalars().all()


def sign_in(browser: Browser, email_address="coder@example.com", password=PASSWORD, **extra):
    browser.forget_token()
    response = browser.post("/login", {"email": email_address, "password": password, **extra})
    browser.forget_token()
    return response


def sign_out(browser: Browser):
    response = browser.post("/logout")
    browser.forget_token()
    return response


def outbox(tmp_path: Path) -> list[email.message.EmailMessage]:
    """The password-reset emails in the outbox, oldest first (sign-up emails left out)."""
    folder = tmp_path / "outbox"
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    messages = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    return [m for m in messages if "/reset/" in m.get_body(("plain",)).get_content()]


def reset_link(message) -> str:
    body = message.get_body(("plain",)).get_content()
    return re.search(r"http://127.0.0.1:5000(/reset/\S+)", body).group(1)


def test_registering_signs_the_user_in_and_stores_their_time_zone(app, browser):
    response = register(browser, email="New.Coder@Example.com ", zone="America/Chicago")
    assert response.status_code == 302
    assert browser.get("/settings/").status_code == 200
    [user] = users(app)
    assert user.email == "new.coder@example.com"
    assert user.time_zone == "America/Chicago"


def test_passwords_are_hashed_with_argon2id_at_the_owasp_floor_or_above(app, browser):
    register(browser)
    [user] = users(app)
    params = extract_parameters(user.password_hash)
    assert user.password_hash.startswith("$argon2id$")
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2 and params.parallelism >= 1
    assert PASSWORD not in user.password_hash


def sign_up_answer(app, email_address: str):
    """What a stranger sees after asking to register ``email_address``: status, page, emails sent."""
    stranger = Browser(app.test_client())
    before = len(outbox_messages(app))
    response = stranger.post("/register", {"email": email_address})
    page = stranger.get(response.location)
    text = text_of(page).replace(email_address, "<email>")
    return response.status_code, response.location, page.status_code, text, outbox_messages(app)[before:]


def test_registration_answers_the_same_for_known_and_unknown_emails(app, browser):
    register(browser, email="known@example.com")
    sign_out(browser)
    known = sign_up_answer(app, "known@example.com")
    unknown = sign_up_answer(app, "unknown@example.com")
    assert known[:4] == unknown[:4]
    assert known[:3] == (302, "/register/sent", 200)
    assert "Check your inbox We sent a link to <email> to finish creating your account" in known[3]
    # Exactly one email each: a finishing link for the new address, a way back in for the known one.
    [to_known], [to_unknown] = known[4], unknown[4]
    known_body = to_known.get_body(("plain",)).get_content()
    assert to_known["To"] == "known@example.com" and "/register/" not in known_body
    assert "already have one" in known_body and "/login" in known_body and "/reset" in known_body
    assert to_unknown["To"] == "unknown@example.com"
    assert "/register/" in to_unknown.get_body(("plain",)).get_content()
    assert [u.email for u in users(app)] == ["known@example.com"]


def test_nothing_is_created_until_the_emailed_link_is_followed(app, browser):
    response = browser.post("/register", {"email": "New.Coder@Example.com"})
    assert response.status_code == 302
    assert users(app) == []
    link = sign_up_link(app, "new.coder@example.com")
    page = browser.get(link)
    assert page.status_code == 200 and "new.coder@example.com" in text_of(page)
    assert users(app) == []


def test_a_sign_up_link_works_once(app, browser):
    browser.post("/register", {"email": "once@example.com"})
    link = sign_up_link(app, "once@example.com")
    assert browser.post(link, {"password": PASSWORD, "time_zone": "UTC"}).status_code == 302
    other = Browser(app.test_client())
    again = other.post(link, {"password": "another long passphrase", "time_zone": "UTC"})
    assert again.status_code == 302 and again.location == "/login"
    assert "already used" in text_of(other.get("/login"))
    assert len(users(app)) == 1
    assert sign_in(other, email_address="once@example.com", password="another long passphrase").status_code == 422


def test_a_sign_up_link_expires_after_a_day(app, browser, clock):
    browser.post("/register", {"email": "late@example.com"})
    link = sign_up_link(app, "late@example.com")
    clock.shift(dt.timedelta(hours=24, minutes=1))
    browser.forget_token()  # the form's CSRF token has expired too
    response = browser.post(link, {"password": PASSWORD, "time_zone": "UTC"})
    assert response.status_code == 302 and response.location == "/register"
    assert "expired or is not valid" in text_of(browser.get("/register"))
    assert users(app) == []


def test_a_tampered_sign_up_link_is_refused(app, browser):
    browser.post("/register", {"email": "real@example.com"})
    link = sign_up_link(app, "real@example.com")
    for bad in (link[:-3] + "abc", "/register/not-a-token", "/register/" + "A" * 500):
        response = browser.post(bad, {"password": PASSWORD, "time_zone": "UTC"})
        assert response.status_code == 302 and response.location == "/register", bad
    assert users(app) == []


def test_the_sent_page_says_where_development_mail_goes(app, browser):
    browser.post("/register", {"email": "dev@example.com"})
    page = text_of(browser.get("/register/sent"))
    assert app.config["MAIL_OUTBOX_DIR"] in page and ".eml" in page
    app.config["MAIL_SERVER"] = "smtp.example.org"
    assert app.config["MAIL_OUTBOX_DIR"] not in text_of(browser.get("/register/sent"))


def test_the_sent_page_without_a_request_goes_back_to_registration(browser):
    response = browser.get("/register/sent")
    assert response.status_code == 302 and response.location == "/register"


def test_a_short_password_is_refused_at_the_field(app, browser):
    response = register(browser, password="short")
    assert response.status_code == 422
    assert "at least 10 characters" in text_of(response)
    assert users(app) == []


def test_an_invalid_email_or_unknown_time_zone_is_refused(app, browser):
    assert register(browser, email="not-an-email").status_code == 422
    assert register(browser, zone="Mars/Olympus_Mons").status_code == 422
    assert users(app) == []


def test_signing_in_with_a_wrong_password_says_nothing_about_which_part_was_wrong(app, browser):
    register(browser)
    sign_out(browser)
    wrong_password = sign_in(browser, password="not the password")
    unknown_email = sign_in(browser, email_address="nobody@example.com")
    assert wrong_password.status_code == unknown_email.status_code == 422
    message = "That email and password do not match an account."
    assert message in text_of(wrong_password) and message in text_of(unknown_email)


def test_signing_in_goes_to_the_page_asked_for_but_never_off_site(app, browser):
    register(browser)
    sign_out(browser)
    browser.forget_token()
    token = browser.token()
    response = browser.client.post("/login?next=/plans/", data={"csrf_token": token, "email": "coder@example.com", "password": PASSWORD})
    assert response.location.endswith("/plans/")
    sign_out(browser)
    token = browser.token()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = browser.client.post(f"/login?next={target}", data={"csrf_token": token, "email": "coder@example.com", "password": PASSWORD})
        assert response.location == "/", target
        sign_out(browser)
        token = browser.token()


def test_pages_need_a_signed_in_user(browser):
    for url in ("/plans/", "/plans/new", "/settings/"):
        response = browser.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_a_session_cookie_replayed_after_sign_out_is_refused(app, browser):
    register(browser)
    cookie = browser.client.get_cookie("session").value
    sign_out(browser)
    browser.client.set_cookie("session", cookie)
    assert browser.get("/settings/").status_code == 302


def test_changing_the_password_signs_out_other_devices_but_not_this_one(app, clock):
    laptop, phone = Browser(app.test_client()), Browser(app.test_client())
    register(laptop)
    sign_in(phone)
    assert phone.get("/settings/").status_code == 200
    response = laptop.post("/settings/password", {"current_password": PASSWORD, "new_password": "a brand new passphrase"})
    assert response.status_code == 302
    assert laptop.get("/settings/").status_code == 200
    assert phone.get("/settings/").status_code == 302
    assert sign_in(phone, password="a brand new passphrase").status_code == 302


def test_changing_the_password_needs_the_current_one(app, user_browser):
    response = user_browser.post("/settings/password", {"current_password": "wrong password!", "new_password": "a brand new passphrase"})
    assert response.status_code == 422
    assert "not your current password" in text_of(response)
    assert sign_in(Browser(user_browser.client.application.test_client())).status_code == 302


def test_profile_changes_the_time_zone_but_never_the_email(app, user_browser):
    response = user_browser.post("/settings/", {"email": "renamed@example.com", "time_zone": "Europe/Berlin"})
    assert response.status_code == 302
    [user] = users(app)
    assert (user.email, user.time_zone) == ("coder@example.com", "Europe/Berlin")  # email: tests/test_email_change.py


def test_password_reset_answers_the_same_for_known_and_unknown_emails(app, browser, tmp_path):
    register(browser)
    sign_out(browser)
    before = len(outbox_messages(app))
    known = browser.post("/reset", {"email": "coder@example.com"}, follow_redirects=True)
    unknown = browser.post("/reset", {"email": "nobody@example.com"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert text_of(known) == text_of(unknown)
    assert [m["To"] for m in outbox(tmp_path)] == ["coder@example.com"]
    # One email each: the unknown address is told it has no account (and no link that resets anything).
    sent = outbox_messages(app)[before:]
    assert [m["To"] for m in sent] == ["coder@example.com", "nobody@example.com"]
    no_account = sent[1].get_body(("plain",)).get_content()
    assert "no Rungs account uses this address" in no_account and "/reset/" not in no_account


def test_emails_to_one_address_are_limited_the_same_for_known_and_unknown_addresses(app, browser):
    app.config["EMAIL_LINKS_PER_RECIPIENT"] = "3 per 15 minutes"
    register(browser, email="known@example.com")  # one sign-up email to known@ so far
    sign_out(browser)
    stranger = Browser(app.test_client())
    answers = {}
    for address in ("known@example.com", "unknown@example.com"):
        for n in range(2 if address.startswith("known") else 3):
            assert stranger.post("/register", {"email": address}).status_code == 302
        blocked = stranger.post("/reset", {"email": address.upper()})
        answers[address] = (blocked.status_code, text_of(blocked))
    assert answers["known@example.com"] == answers["unknown@example.com"]
    assert answers["known@example.com"][0] == 429
    assert "Several emails were already sent to this address" in answers["known@example.com"][1]
    assert stranger.post("/reset", {"email": "someone.else@example.com"}).status_code == 302


def test_a_reset_link_sets_a_new_password_once_and_ends_other_sessions(app, clock, tmp_path):
    other_device = Browser(app.test_client())
    register(other_device)
    browser = Browser(app.test_client())
    browser.post("/reset", {"email": "coder@example.com"})
    [message] = outbox(tmp_path)
    assert message.get_body(("html",)) is not None
    link = reset_link(message)
    assert browser.get(link).status_code == 200
    response = browser.post(link, {"password": "a fresh passphrase here"})
    assert response.status_code == 302
    assert other_device.get("/settings/").status_code == 302
    assert sign_in(browser, password="a fresh passphrase here").status_code == 302
    # The same link cannot be used twice.
    again = Browser(app.test_client())
    assert again.get(link).status_code == 302
    assert again.post(link, {"password": "yet another passphrase"}).status_code == 302
    assert sign_in(Browser(app.test_client()), password="yet another passphrase").status_code == 422


def test_a_reset_link_expires_after_an_hour(app, clock, tmp_path):
    browser = Browser(app.test_client())
    register(browser)
    sign_out(browser)
    browser.post("/reset", {"email": "coder@example.com"})
    link = reset_link(outbox(tmp_path)[0])
    clock.shift(dt.timedelta(minutes=61))
    response = browser.get(link, follow_redirects=True)
    assert "expired or was already used" in text_of(response)


def test_a_tampered_reset_link_is_refused(app, browser, tmp_path):
    register(browser)
    sign_out(browser)
    browser.post("/reset", {"email": "coder@example.com"})
    link = reset_link(outbox(tmp_path)[0])
    assert "expired or was already used" in text_of(browser.get(link[:-3] + "abc", follow_redirects=True))


def test_forms_without_a_csrf_token_are_refused(app, browser):
    response = browser.post("/register", {"email": "x@example.com", "password": PASSWORD, "time_zone": "UTC"}, csrf=False)
    assert response.status_code == 400
    assert users(app) == []


def test_signing_out_needs_a_post(user_browser):
    assert user_browser.get("/logout").status_code == 405
    assert user_browser.get("/settings/").status_code == 200


def test_the_user_count_is_not_affected_by_failed_registrations(app, browser):
    assert browser.post("/register", {"email": ""}).status_code == 422
    browser.post("/register", {"email": "a@example.com"})
    link = sign_up_link(app, "a@example.com")
    for bad in ({"password": "", "time_zone": "UTC"}, {"password": "a@example.com", "time_zone": "UTC"},
                {"password": PASSWORD, "time_zone": ""}, {"password": "x" * 201, "time_zone": "UTC"}):
        assert browser.post(link, bad).status_code == 422, bad
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
