"""Sessions: cookie flags, cookies that die with sign-out and password changes, CSRF tokens bound
to their session, and old password hashes upgraded at sign-in.

(Also in test_accounts.py: a replayed session cookie after sign-out, other devices signed out by a
password change or a reset, forms without a CSRF token.)
"""
from __future__ import annotations

import shutil

from argon2 import PasswordHasher, extract_parameters
from sqlalchemy import select

from tracker import create_app
from tracker.extensions import db
from tracker.models import User

import builders
from conftest import app_config
from support import PASSWORD, Browser

NEW_PASSWORD = "a brand new passphrase"


def sign_in(browser: Browser, *, remember: bool = False, email: str = "coder@example.com", password: str = PASSWORD, **kwargs):
    browser.forget_token()
    data = {"email": email, "password": password, **({"remember": "y"} if remember else {})}
    response = browser.post("/login", data, **kwargs)
    browser.forget_token()
    return response


def sign_out(browser: Browser, **kwargs):
    response = browser.post("/logout", **kwargs)
    browser.forget_token()
    return response


def set_cookies(response) -> dict[str, str]:
    """The Set-Cookie headers of a response, by cookie name (lower-cased attributes)."""
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        found[header.split("=", 1)[0]] = header.lower()
    return found


def signed_in(app, cookies: dict[str, str], base_url: str = "http://localhost") -> bool:
    """Whether a fresh client holding only ``cookies`` is signed in."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value, domain="localhost")
    return client.get("/settings/", base_url=base_url).status_code == 200


def cookie(browser: Browser, name: str) -> str:
    found = browser.client.get_cookie(name)
    assert found is not None, f"no {name} cookie"
    return found.value


def test_sign_in_cookies_are_httponly_and_samesite_lax(app, browser):
    builders.signed_in(browser)
    sign_out(browser)
    response = sign_in(browser, remember=True)
    assert response.status_code == 302
    cookies = set_cookies(response)
    assert {"session", "remember_token"} <= cookies.keys()
    for name in ("session", "remember_token"):
        assert "; httponly" in cookies[name], name
        assert "; samesite=lax" in cookies[name], name
        assert "; secure" not in cookies[name], f"{name}: development is served over plain HTTP"


def test_production_cookies_are_also_secure(tmp_path, migrated_template, monkeypatch, clock):
    monkeypatch.setenv("RUNGS_ENV", "production")
    monkeypatch.setenv("RUNGS_BASE_URL", "https://localhost")  # production answers only its own host
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    database = tmp_path / "production.sqlite3"
    shutil.copy(migrated_template, database)
    app = create_app({key: value for key, value in app_config(tmp_path, database).items() if key != "TESTING"})
    try:
        assert app.config["RUNGS_ENV"] == "production"
        browser = Browser(app.test_client())
        # Over HTTPS, Flask-WTF also checks that the form came from this site (the Referer).
        https = {"base_url": "https://localhost", "headers": {"Referer": "https://localhost/login"}}
        browser._token = Browser.TOKEN.search(browser.client.get("/login", **https).text).group(1)
        with app.app_context():
            db.session.add(User(email="coder@example.com", password_hash=PasswordHasher().hash(PASSWORD), time_zone="UTC"))
            db.session.commit()
        response = browser.post("/login", {"email": "coder@example.com", "password": PASSWORD, "remember": "y"}, **https)
        assert response.status_code == 302, response.text
        cookies = set_cookies(response)
        for name in ("session", "remember_token"):
            assert "; secure" in cookies[name] and "; httponly" in cookies[name] and "; samesite=lax" in cookies[name], name
    finally:
        with app.app_context():
            db.engine.dispose()


def test_a_remember_cookie_copied_before_sign_out_no_longer_signs_in(app, browser):
    builders.signed_in(browser)
    sign_out(browser)
    sign_in(browser, remember=True)
    remember = {"remember_token": cookie(browser, "remember_token")}
    assert signed_in(app, remember), "the remember cookie alone signs in while the session lasts"
    sign_out(browser)
    assert not signed_in(app, remember)


def test_a_session_cookie_from_before_a_password_change_stops_working(app, browser):
    builders.signed_in(browser)
    before = {"session": cookie(browser, "session")}
    assert signed_in(app, before)
    response = browser.post("/settings/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert browser.get("/settings/").status_code == 200, "the device that changed it stays signed in"
    assert not signed_in(app, before)


def test_a_remember_cookie_from_before_a_password_change_stops_working(app, browser):
    builders.signed_in(browser)
    sign_out(browser)
    sign_in(browser, remember=True)
    remember = {"remember_token": cookie(browser, "remember_token")}
    assert signed_in(app, remember)
    browser.post("/settings/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD})
    assert not signed_in(app, remember)


def test_a_csrf_token_from_another_session_is_refused(app, clock):
    mine, theirs = Browser(app.test_client()), Browser(app.test_client())
    builders.signed_in(mine, email="me@example.com")
    builders.signed_in(theirs, email="them@example.com")
    their_token = theirs.token()
    response = mine.post("/settings/", {"email": "changed@example.com", "time_zone": "UTC", "csrf_token": their_token})
    assert response.status_code == 400
    with app.app_context():
        assert sorted(db.session.execute(select(User.email)).scalars()) == ["me@example.com", "them@example.com"]
    # Signed out too: a token lifted from someone else's sign-in page does not work in this one.
    stranger = Browser(app.test_client())
    assert stranger.post("/login", {"email": "me@example.com", "password": PASSWORD, "csrf_token": their_token}).status_code == 400
    assert mine.get("/settings/").status_code == 200


def test_a_hash_with_old_argon2_parameters_is_rehashed_at_sign_in(app, browser):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    with app.app_context():
        db.session.add(User(email="old@example.com", password_hash=weak.hash(PASSWORD), time_zone="UTC"))
        db.session.commit()

    def stored_hash() -> str:
        with app.app_context():
            return db.session.execute(select(User.password_hash).where(User.email == "old@example.com")).scalar_one()

    old = stored_hash()
    assert sign_in(browser, email="old@example.com", password="not the password").status_code == 422
    assert stored_hash() == old, "a failed sign-in changes nothing"

    assert sign_in(browser, email="old@example.com").status_code == 302
    new = stored_hash()
    params = extract_parameters(new)
    assert new != old and new.startswith("$argon2id$")
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2 and params.parallelism >= 1
    sign_out(browser)
    assert sign_in(browser, email="old@example.com").status_code == 302
    assert stored_hash() == new, "an up-to-date hash is left alone"


def test_session_cookies_are_flasks_own_and_follow_a_key_rotation(app, user_browser):
    """The app's session interface keeps its signing serializer between requests (Flask builds it
    on every one): its cookies are the ones Flask's own interface reads, and a new SECRET_KEY
    (with the old one as a fallback, or without) is seen at the next request."""
    from flask.sessions import SecureCookieSessionInterface

    cookie = user_browser.client.get_cookie("session").value
    assert signed_in(app, {"session": cookie})
    flasks = SecureCookieSessionInterface().get_signing_serializer(app)
    ours = app.session_interface.get_signing_serializer(app)
    assert ours is app.session_interface.get_signing_serializer(app)  # kept
    assert flasks.loads(cookie) == ours.loads(cookie)
    assert ours.loads(flasks.dumps({"csrf_token": "x"})) == {"csrf_token": "x"}

    old_key = app.secret_key
    app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"] = "a new key for this test", [old_key]
    assert signed_in(app, {"session": cookie})  # signed with the old key, a fallback now
    app.config["SECRET_KEY_FALLBACKS"] = []
    assert not signed_in(app, {"session": cookie})  # the old key is gone
