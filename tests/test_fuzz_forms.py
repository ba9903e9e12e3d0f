"""Arbitrary form input never causes a server error (the specific tests check that nothing is written)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Milestone

from builders import signed_in
from support import create_plan

junk = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "1e9", "2027-02-30", "2027-13-01", "9999-12-31", "0001-01-01", "NaN", "Infinity", "\x00", "' OR 1=1 --", "<script>"]),
)
fields = st.fixed_dictionaries(
    {},
    optional={
        name: junk
        for name in ("action", "on", "amount", "unit", "notes", "label", "kind", "taken_on", "result", "retake_on", "title", "description", "after", "start_date", "pace", "template", "items")
    },
)


@settings(max_examples=60, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=fields, target=st.sampled_from(["progress", "duration", "notes", "checklist", "checklist/add", "costs", "exam", "new", "edit", "create"]))
def test_plan_forms_never_fail_with_a_server_error(app, browser, data, target):
    if browser.client.get("/settings/").status_code != 200:
        signed_in(browser)
    with app.app_context():
        existing = db.session.execute(select(Milestone.plan_id, Milestone.id).order_by(Milestone.id)).first()
    if existing is None:
        create_plan(browser)
        with app.app_context():
            existing = db.session.execute(select(Milestone.plan_id, Milestone.id).order_by(Milestone.id)).first()
    plan_id, milestone_id = existing
    url = {
        "new": f"/plans/{plan_id}/milestones/new",
        "edit": f"/plans/{plan_id}/edit",
        "create": "/plans/new",
    }.get(target, f"/plans/{plan_id}/milestones/{milestone_id}/{target}")
    response = browser.post(url, data)
    assert response.status_code < 500, (url, data, response.status_code)
