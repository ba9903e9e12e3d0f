"""Every route with an object in its URL, every method, as another user: 404, and nothing changes.

The walk covers app.url_map, so a new route is covered as soon as it exists; a route whose URL
parameter this test does not know fails with a message saying what to add below.
"""
from __future__ import annotations

import io
import logging

from sqlalchemy import select, update

from tracker.extensions import db
from tracker.models import ApiToken, CeuActivity, CertificateRead, ChecklistItem, Cost, Credential, ExperienceGap, Milestone, Reminder, User
from tracker.services import api_tokens, certificate_reads
from tracker.services.accounts import find_user_by_email

from builders import signed_in
from support import Browser, create_plan

# Routes that take a secret instead of an object id: public by design, tested on their own.
PUBLIC = {"static", "auth.reset_password", "auth.finish_sign_up", "auth.email_change", "reminders.unsubscribe", "calendar.feed",
          "teams.join"}
FORM = {
    "action": "done", "on": "2027-02-01", "amount": "1", "unit": "days", "notes": "x", "label": "x", "kind": "other",
    "taken_on": "2027-02-01", "result": "passed", "title": "x", "start_date": "2027-01-04", "pace": "full_time",
    "after": "1", "earned_on": "2024-01-01", "renewal_month": "5", "completed_on": "2026-01-01", "ceus": "1",
    "counts_toward": "aapc", "submitted_on": "2026-11-01", "experience_months": "3",
}

# JSON API operations: a valid body, so that only ownership decides the answer.
API_BODIES = {
    "api_plans.patch_plan": {"title": "x"},
    "api_plans.create_milestone": {"title": "x", "duration_amount": 1, "duration_unit": "days"},
    "api_plans.patch_milestone": {"notes": "x"},
    "api_credentials.patch_credential": {"earned_on": "2024-01-01"},
    "api_ceus.patch_ceu": {"title": "x"},
    "api_teams.create_invitation": {"email": "new@example.com"},
}


def snapshot(app):
    with app.app_context():
        return {t.name: sorted(map(tuple, db.session.execute(select(t)).all())) for t in db.metadata.sorted_tables}


def owner_objects(app, owner: Browser) -> dict:
    plan_id = create_plan(owner)
    owner.post("/credentials/new", {"code": "CPC-A", "earned_on": "2024-01-10", "renewal_month": "5"})
    owner.post("/credentials/ceus/new", {"completed_on": "2026-01-10", "title": "Webinar", "ceus": "1", "counts_toward": "aapc",
                                         "certificate": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "c.pdf")}, content_type="multipart/form-data")
    owner.post("/credentials/ceus/read", {"read_file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "c.pdf")}, content_type="multipart/form-data")
    owner.post("/ladder/profile", {"rung": "coder", "coding_started_on": "2024-01-01"})
    owner.post("/ladder/gaps", {"starts_on": "2025-01-01", "ends_on": "2025-01-31"})
    with app.app_context():
        milestone = db.session.execute(select(Milestone).where(Milestone.plan_id == plan_id).order_by(Milestone.position).offset(1)).scalars().first()
        owner.post(f"/plans/{plan_id}/milestones/{milestone.id}/costs", {"kind": "program", "amount": "100"})
        owner.post("/settings/tokens", {"name": "script"})
        reminder_id = db.session.execute(select(Reminder.id).order_by(Reminder.id)).scalars().first()
        team_ids = team_objects(app, owner)
        db.session.execute(update(Reminder).where(Reminder.id == reminder_id).values(status="failed"))
        db.session.commit()
        read = db.session.execute(select(CertificateRead)).scalar_one()
        assert certificate_reads.wait(read, 60)  # finished before the snapshot
        return {
            "read_id": read.id,
            "plan_id": plan_id,
            "milestone_id": milestone.id,
            "item_id": db.session.execute(select(ChecklistItem.id).where(ChecklistItem.milestone_id == milestone.id)).scalars().first(),
            "cost_id": db.session.execute(select(Cost.id)).scalar_one(),
            "credential_id": db.session.execute(select(Credential.id)).scalar_one(),
            "activity_id": db.session.execute(select(CeuActivity.id)).scalar_one(),
            "gap_id": db.session.execute(select(ExperienceGap.id)).scalar_one(),
            "reminder_id": reminder_id,
            "token_id": db.session.execute(select(ApiToken.id)).scalar_one(),
            "body": "aapc",
            "cycle_end": "2027-05-31",
            **team_ids,
        }


def team_objects(app, owner: Browser) -> dict:
    """The owner's team (issue 17) with a member who shares everything, and an open invitation."""
    from tracker.domain.clock import utc_now
    from tracker.domain.teams import Sharing
    from tracker.services import teams as team_service

    from builders import make_user

    user = db.session.execute(select(User).where(User.id == db.session.execute(
        select(CeuActivity.user_id)).scalar_one())).scalar_one()
    team = team_service.create_team(user, "Coders")
    mate = db.session.get(User, make_user(app, f"mate-{user.id}@example.com"))
    invitation, _token = team_service.invite(user, team.id, mate.email, utc_now())
    member = team_service.accept(mate, invitation.id, Sharing(ceus=True, plans=True, ladder=True), utc_now())
    invitation, _token = team_service.invite(user, team.id, "invitee@example.com", utc_now())
    return {"team_id": team.id, "member_id": member.id, "invitation_id": invitation.id}


def test_every_route_and_method_answers_404_to_a_stranger_and_changes_nothing(app, clock, caplog):
    owner = Browser(app.test_client())
    signed_in(owner, email="owner@example.com")
    ids = owner_objects(app, owner)
    assert all(ids.values()), ids

    stranger = Browser(app.test_client())
    signed_in(stranger, email="stranger@example.com")
    create_plan(stranger)  # data of their own, with other ids
    with app.app_context():
        stranger_id = db.session.execute(select(User.id).where(User.email == "stranger@example.com")).scalar_one()
        _token, secret = api_tokens.create_token(find_user_by_email("stranger@example.com"), "stranger's script")
    bearer = {"Authorization": f"Bearer {secret}"}
    assert stranger.client.get("/api/v1/me", headers=bearer).status_code == 200  # records its first use now
    before = snapshot(app)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint in PUBLIC:
            continue
        unknown = rule.arguments - ids.keys()
        assert not unknown, f"{rule.rule}: add a builder for {sorted(unknown)} to owner_objects() in this test"
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            caplog.clear()
            with caplog.at_level(logging.WARNING, logger="tracker.ownership"):
                if rule.rule.startswith("/api/"):
                    response = stranger.client.open(url, method=method, headers=bearer, json=API_BODIES.get(rule.endpoint))
                else:
                    response = stranger.get(url) if method == "GET" else stranger.post(url, FORM)
            assert response.status_code == 404, (method, url, response.status_code)
            # The attempt is logged, with who asked and for what.
            logged = [r.getMessage() for r in caplog.records if r.name == "tracker.ownership"]
            assert any(f"user {stranger_id}: {method} {url} " in line for line in logged), (method, url, logged)
            checked += 1
    assert checked >= 40
    assert snapshot(app) == before
