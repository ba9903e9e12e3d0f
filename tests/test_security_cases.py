"""Security cases of reliability.md not covered elsewhere: fuzzed account forms (case 11) and the
per-user certificate quota (case 13).
"""
from __future__ import annotations

import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import CeuActivity, User

from builders import signed_in
from support import PASSWORD, Browser, sign_up_link, text_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

junk = st.one_of(
    st.text(max_size=60),
    st.sampled_from([
        "", " ", "@", "a@", "@b", "a@b", "coder@example.com", "CODER@EXAMPLE.COM ", "x" * 300 + "@example.com",
        "\x00", "' OR 1=1 --", "<script>", "Mars/Olympus_Mons", "UTC", "../../etc/passwd", "y", "on", "0",
    ]),
)
account_fields = st.fixed_dictionaries(
    {},
    optional={name: junk for name in ("email", "password", "time_zone", "remember", "current_password", "new_password")},
)


def users_table(app) -> list[tuple]:
    with app.app_context():
        return sorted(map(tuple, db.session.execute(select(User.id, User.email, User.password_hash, User.session_version)).all()))


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=account_fields, target=st.sampled_from(["/register", "/login", "/reset", "/reset/not-a-token", "finish", "/settings/", "/settings/password"]))
def test_account_forms_never_fail_with_a_server_error(app, browser, data, target):
    if not users_table(app):
        signed_in(browser)  # coder@example.com, signed in: for the settings forms
    anonymous = Browser(app.test_client())
    if target == "finish":
        # A fresh address each time, so the link is unused and its form really runs.
        address = f"fuzz{len(users_table(app))}-{abs(hash(repr(data))) % 10**8}@example.com"
        anonymous.post("/register", {"email": address})
        target = sign_up_link(app, address)
    sender = browser if target.startswith("/settings/") else anonymous
    before = users_table(app)
    response = sender.post(target, data)
    assert response.status_code < 500, (target, data, response.status_code)
    if target in ("/register", "/login", "/reset", "/reset/not-a-token"):
        # Asking for a link, a failed sign-in or a bad reset link never writes to accounts.
        assert users_table(app) == before, (target, data)


def upload(browser: Browser, content: bytes, name: str = "certificate.png"):
    return browser.post("/credentials/ceus/new", {
        "completed_on": "2026-01-10", "title": "Webinar", "ceus": "1", "counts_toward": "aapc",
        "certificate": (io.BytesIO(content), name),
    }, content_type="multipart/form-data")


def stored_files(app) -> list[Path]:
    return [p for p in Path(app.config["CERTIFICATE_DIR"]).rglob("*") if p.is_file()]


def activities(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(CeuActivity.id)))


def test_the_certificate_quota_refuses_a_file_that_would_exceed_it_and_stores_nothing(app, user_browser):
    app.config["CERTIFICATE_QUOTA_BYTES"] = 2 * len(PNG) + 10  # room for two
    user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2020-06-15", "renewal_month": "5"})
    assert upload(user_browser, PNG).status_code == 302
    assert upload(user_browser, PNG).status_code == 302
    refused = upload(user_browser, PNG)
    assert refused.status_code == 422
    assert "delete some old ones first" in text_of(refused)
    assert activities(app) == 2 and len(stored_files(app)) == 2

    # The quota is per user: someone else still has all of theirs.
    other = Browser(app.test_client())
    signed_in(other, email="other@example.com", password=PASSWORD)
    other.post("/credentials/new", {"code": "CPC", "earned_on": "2020-06-15", "renewal_month": "5"})
    assert upload(other, PNG).status_code == 302
    assert activities(app) == 3 and len(stored_files(app)) == 3


# -- every route: GET changes nothing; POST needs the session's CSRF token -------------------------

def every_route(app, ids: dict):
    """(endpoint, url, methods) of every route, its URL built with the owner's ids."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in TOKEN_ROUTES:
            continue
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        yield rule.endpoint, url, rule.methods - {"HEAD", "OPTIONS"}


# Routes that take an emailed secret instead of an id: tested on their own (test_accounts.py,
# test_reminders.py, test_calendar_feed.py), the unsubscribe POST being exempt from CSRF on purpose (RFC 8058 one-click).
TOKEN_ROUTES = {"static", "auth.reset_password", "auth.finish_sign_up", "auth.email_change", "reminders.unsubscribe",
                "calendar.feed", "teams.join"}


def test_no_get_changes_anything_for_the_owner(app, clock):
    from test_every_route_as_a_stranger import owner_objects, snapshot

    owner = Browser(app.test_client())
    signed_in(owner, email="owner@example.com")
    ids = owner_objects(app, owner)
    before = snapshot(app)
    checked = 0
    for endpoint, url, methods in every_route(app, ids):
        if "GET" in methods:
            response = owner.get(url)
            assert response.status_code < 500, (url, response.status_code)
            response.close()
            assert snapshot(app) == before, f"GET {url} changed the database"
            checked += 1
    assert checked >= 25


def test_every_post_without_the_sessions_csrf_token_is_refused_and_changes_nothing(app, clock):
    from test_every_route_as_a_stranger import FORM, owner_objects, snapshot

    owner = Browser(app.test_client())
    signed_in(owner, email="owner@example.com")
    ids = owner_objects(app, owner)
    other = Browser(app.test_client())
    signed_in(other, email="other@example.com")
    foreign_token = other.token()
    before = snapshot(app)
    checked = 0
    for endpoint, url, methods in every_route(app, ids):
        if "POST" not in methods:
            continue
        for token in (None, foreign_token, "garbage"):
            data = dict(FORM, **({"csrf_token": token} if token else {}))
            response = owner.post(url, data, csrf=False)
            # The JSON API never trusts the session cookie, so a cookie-only POST is unauthenticated.
            expected = 401 if url.startswith("/api/") else 400
            assert response.status_code == expected, (url, token, response.status_code)
            checked += 1
    assert snapshot(app) == before
    assert checked >= 3 * 30
    assert owner.get("/settings/").status_code == 200, "still signed in: the refusals ended nothing"
