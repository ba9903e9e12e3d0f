"""The ``day`` filter says a date relative to today in the signed-in user's zone, worked out once
per request (tracker/views/filters.py)."""
from __future__ import annotations

import datetime as dt

from flask import g
from flask_login import login_user

from tracker.extensions import db
from tracker.models import User
from tracker.views.filters import day

from builders import make_user

NEW_YEAR = dt.date(2027, 1, 1)


def _said(app, clock, zone: str | None) -> str:
    clock.move_to(dt.datetime(2026, 12, 31, 20, 0, tzinfo=dt.timezone.utc))  # 2027 already in Auckland
    user_id = make_user(app, zone=zone) if zone else None
    with app.test_request_context("/"):
        if user_id:
            login_user(db.session.get(User, user_id))
        return " / ".join(day(date) for date in (NEW_YEAR, NEW_YEAR, dt.date(2026, 12, 31), None))


def test_a_date_is_said_from_today_in_the_users_zone(app, clock):
    assert _said(app, clock, "Pacific/Auckland") == "Jan 1 / Jan 1 / Dec 31, 2026 / —"


def test_a_visitor_and_a_user_in_utc_get_utcs_today(app, clock):
    assert _said(app, clock, "UTC") == "Jan 1, 2027 / Jan 1, 2027 / Dec 31 / —"
    assert _said(app, clock, None) == "Jan 1, 2027 / Jan 1, 2027 / Dec 31 / —"


def test_each_request_works_out_its_own_today(app, clock):
    # The same process, two users in turn: the second does not get the first one's today.
    _said(app, clock, "Pacific/Auckland")
    user_id = make_user(app, "second@example.com", zone="UTC")
    with app.test_request_context("/"):
        login_user(db.session.get(User, user_id))
        assert g.get("_rungs_filter_today") is None
        assert day(NEW_YEAR) == "Jan 1, 2027"
