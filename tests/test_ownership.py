"""Another user's ids answer 404 on every route and method, and nothing changes."""
from __future__ import annotations

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ChecklistItem, Cost, ExamAttempt, Milestone, Plan, User

from builders import signed_in
from support import Browser, create_plan


def snapshot(app):
    """Every row of every table, as plain tuples."""
    with app.app_context():
        rows = {}
        for model in (User, Plan, Milestone, ChecklistItem, Cost, ExamAttempt):
            table = model.__table__
            rows[table.name] = sorted(tuple(r) for r in db.session.execute(select(table)).all())
        return rows


def owner_ids(app, plan_id):
    with app.app_context():
        milestone = db.session.execute(select(Milestone).where(Milestone.plan_id == plan_id).order_by(Milestone.position).offset(1)).scalars().first()
        return {
            "plan_id": plan_id,
            "milestone_id": milestone.id,
            "item_id": milestone.checklist[0].id,
            "cost_id": milestone.costs[0].id,
        }


def test_every_plan_route_answers_404_to_another_user_and_changes_nothing(app, clock):
    owner = Browser(app.test_client())
    signed_in(owner, email="owner@example.com")
    plan_id = create_plan(owner)
    with app.app_context():
        step2 = db.session.execute(select(Milestone.id).where(Milestone.plan_id == plan_id).order_by(Milestone.position).offset(1)).scalar()
    owner.post(f"/plans/{plan_id}/milestones/{step2}/costs", {"kind": "program", "amount": "100"})
    ids = owner_ids(app, plan_id)

    intruder = Browser(app.test_client())
    signed_in(intruder, email="intruder@example.com")
    create_plan(intruder)  # the intruder has data of their own, with other ids
    before = snapshot(app)

    form = {
        "action": "done", "on": "2027-02-01", "amount": "1", "unit": "days", "notes": "x", "items": [str(ids["item_id"])],
        "label": "x", "kind": "other", "taken_on": "2027-02-01", "result": "passed", "title": "x",
        "start_date": "2027-01-04", "pace": "full_time", "after": "1",
    }
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("plans.") or "plan_id" not in rule.arguments:
            continue
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = intruder.get(url) if method == "GET" else intruder.post(url, form)
            assert response.status_code == 404, (method, url, response.status_code)
            checked += 1
    assert checked >= 20
    assert snapshot(app) == before


def test_unknown_ids_answer_404(user_browser):
    assert user_browser.get("/plans/999999").status_code == 404
    assert user_browser.post("/plans/999999/delete").status_code == 404
