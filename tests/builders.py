"""Test data made directly through the services, for tests that are not about signing up.

Signing up over HTTP (the form, the emailed link, the password page) is what tests of sign-up
check; every other test only needs an account and a signed-in browser. These builders make them
the way the services do, then put the browser in the state the sign-up leaves it in: signed in
(Flask-Login's session) on a device the account knows (the device cookie).
"""
from __future__ import annotations

import datetime as dt
from unittest import mock

from tracker.extensions import db
from tracker.models import User
from tracker.passwords import hash_password
from tracker.services import accounts, devices
from tracker.services import credentials as credential_service
from tracker.services import plans as plan_service
from tracker.services.identity import session_id

from support import PASSWORD, Browser

EMAIL = "coder@example.com"
ZONE = "America/New_York"


# Argon2 is slow by design (tens of milliseconds a hash, on purpose). Test accounts share a few
# passwords, so each is hashed once per process and its hash reused: still a real argon2id hash
# with the production parameters, which signing in verifies as usual.
_hashes: dict[str, str] = {}


def _hash_once(password: str) -> str:
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    return _hashes[password]


def make_user(app, email: str = EMAIL, password: str = PASSWORD, zone: str = ZONE) -> int:
    """A new account (through accounts.register, as the sign-up's last step does); its id."""
    with app.app_context(), mock.patch.object(accounts, "hash_password", _hash_once):
        return accounts.register(email, password, zone).id


def sign_in(browser: Browser, user_id: int) -> Browser:
    """Sign ``browser`` in as the user, as the end of sign-up or sign-in does."""
    app = browser.client.application
    with app.app_context():
        user = db.session.get(User, user_id)
        identity = session_id(user)
        device = devices.device_token(user, app.config["SECRET_KEY"])
    with browser.client.session_transaction() as session:
        session["_user_id"] = identity
        session["_fresh"] = True
    browser.client.set_cookie(devices.COOKIE, device)
    browser.forget_token()
    return browser


def signed_in(browser: Browser, email: str = EMAIL, password: str = PASSWORD, zone: str = ZONE) -> Browser:
    """A new account, and ``browser`` signed in to it."""
    return sign_in(browser, make_user(browser.client.application, email, password, zone))


def make_plan(app, user_id: int, template: str = "cpc", start: dt.date = dt.date(2027, 1, 4),
              pace: str = "full_time", today: dt.date | None = None) -> int:
    """A plan from one of the catalogue's templates (plans.create_plan); its id."""
    with app.app_context():
        user = db.session.get(User, user_id)
        return plan_service.create_plan(user, template, start, pace, today or start).id


def add_credential(app, user_id: int, code: str, earned_on: dt.date, today: dt.date, **setup) -> int:
    """A credential the user holds (credentials.add_credential, with renewal_month= or
    cycle_end= as its body needs); its id."""
    with app.app_context():
        user = db.session.get(User, user_id)
        return credential_service.add_credential(user, code, earned_on, today, **setup).id
