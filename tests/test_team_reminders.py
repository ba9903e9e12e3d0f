"""Team emails through the reminder outbox (issue 17): the at-risk alert goes once per manager,
member and cycle end, whatever the sweeps and re-planning, and never after the member left; the
weekly team digest goes once a week to each owner and manager, never to members; a stranger
gets nothing. A real SMTP server, the real sweep, time-machine for the days."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tracker.domain import reminders as rules
from tracker.domain.teams import Sharing
from tracker.extensions import db
from tracker.models import Reminder, TeamMembership, User
from tracker.services import credentials as credential_service
from tracker.services import reminders as service
from tracker.services import teams as team_service

import builders

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 23)  # the clock fixture's day, a Monday: 15:00 UTC, 10:00 in New York
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
BEN_CYCLE_END = TODAY + dt.timedelta(days=75)  # everything still needed: at risk, not yet in 60 days
IN_WINDOW = NOW + dt.timedelta(days=20)  # 55 days left


def _user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _join(team_id: int, email: str, sharing: Sharing = Sharing()) -> int:
    owner = _user("owner@example.com")
    invitation, _token = team_service.invite(owner, team_id, email, NOW)
    return team_service.accept(_user(email), invitation.id, sharing, NOW).id


@pytest.fixture
def team(app, clock):
    """A team with an owner, a manager, Ben (RHIT ending in 75 days, all CEUs still needed) and Ana
    (nothing at risk); a stranger with Ben's situation in no team."""
    for name in ("owner", "manager", "ben", "ana", "stranger"):
        builders.make_user(app, f"{name}@example.com")
    builders.add_credential(app, _id(app, "ben"), "RHIT", dt.date(2024, 2, 10), TODAY, cycle_end=BEN_CYCLE_END)
    builders.add_credential(app, _id(app, "stranger"), "RHIT", dt.date(2024, 2, 10), TODAY, cycle_end=BEN_CYCLE_END)
    with app.app_context():
        team_id = team_service.create_team(_user("owner@example.com"), "Outpatient coding").id
        manager = _join(team_id, "manager@example.com")
        team_service.change_role(_user("owner@example.com"), team_id, manager, "manager")
        ben = _join(team_id, "ben@example.com")
        _join(team_id, "ana@example.com", Sharing(ceus=True))
    return {"team_id": team_id, "m_ben": ben}


def _id(app, name: str) -> int:
    with app.app_context():
        return _user(f"{name}@example.com").id


def _team_mail(smtp, kind: str) -> list[tuple[str, str]]:
    """(recipient, subject) of every message of one team kind, in arrival order."""
    return [(m["To"], m["Subject"]) for m in smtp.recorder.messages
            if m["X-Rungs-Reminder"].startswith(f"{kind}:")]


def _rows(kind: str) -> list[Reminder]:
    db.session.expire_all()
    return list(db.session.execute(select(Reminder).where(Reminder.kind == kind).order_by(Reminder.id)).scalars())


def test_the_members_cycle_is_at_risk_but_not_yet_within_60_days(app, team):
    with app.app_context():
        ben = _user("ben@example.com")
        (overview,) = credential_service.renewal_overview(ben, TODAY)
        assert overview.attention.status == "at_risk" and overview.attention.days_left == 75
        service.sweep(NOW)
        assert _rows(rules.TEAM_AT_RISK) == []


def test_the_alert_goes_once_to_each_manager_across_sweeps_and_replanning(app, team, clock, smtp):
    clock.move_to(IN_WINDOW)
    with app.app_context():
        service.sweep(IN_WINDOW)  # the daily planning finds the cycle at risk: due at once
        sent = _team_mail(smtp, rules.TEAM_AT_RISK)
        assert sorted(sent) == [
            ("manager@example.com", "At risk: ben@example.com: RHIT"),
            ("owner@example.com", "At risk: ben@example.com: RHIT"),
        ]
        message = next(m for m in smtp.recorder.messages if m["X-Rungs-Reminder"].startswith("team_at_risk:"))
        text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        html = message.get_body(("html",)).get_content()
        assert "RHIT: At risk, 20 of 20 CEUs still needed by" in text and "(in 55 days)" in text
        assert f"/teams/{team['team_id']}/members/{team['m_ben']}" in text and "Open the member in Rungs" in html
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        # Two more sweeps, the managers' plans made again by hand and by the next days: nothing more.
        service.sweep(IN_WINDOW + dt.timedelta(minutes=5))
        for email in ("owner@example.com", "manager@example.com"):
            assert service.plan_user(_user(email), IN_WINDOW + dt.timedelta(minutes=6))["planned"] == 0
        db.session.commit()
        later = IN_WINDOW + dt.timedelta(days=3)
        clock.move_to(later)
        service.sweep(later)
        assert len(_team_mail(smtp, rules.TEAM_AT_RISK)) == 2
        rows = _rows(rules.TEAM_AT_RISK)
        assert [r.status for r in rows] == ["sent", "sent"]
        assert {r.subject_key for r in rows} == {f"team-at-risk:{team['team_id']}:{_user('ben@example.com').id}:{BEN_CYCLE_END}"}
        assert {r.user_id for r in rows} == {_user("owner@example.com").id, _user("manager@example.com").id}


def test_two_sweepers_planning_the_same_alert_send_it_once(app, team, clock, smtp):
    clock.move_to(IN_WINDOW)
    with app.app_context():
        owner = _user("owner@example.com")
        service.plan_user(owner, IN_WINDOW)
        service.plan_user(owner, IN_WINDOW)  # a second worker planning the same day
        db.session.commit()
        service.sweep(IN_WINDOW)
        service.sweep(IN_WINDOW)
        assert [to for to, _subject in _team_mail(smtp, rules.TEAM_AT_RISK)].count("owner@example.com") == 1


def test_the_alert_is_cancelled_when_the_member_leaves_before_it_is_sent(app, team, clock, smtp):
    clock.move_to(IN_WINDOW)
    with app.app_context():
        for email in ("owner@example.com", "manager@example.com"):
            service.plan_user(_user(email), IN_WINDOW)
        db.session.commit()
        assert [r.status for r in _rows(rules.TEAM_AT_RISK)] == ["pending", "pending"]
        team_service.leave(_user("ben@example.com"), team["team_id"])
        service.sweep(IN_WINDOW)
        assert _team_mail(smtp, rules.TEAM_AT_RISK) == []
        assert [r.status for r in _rows(rules.TEAM_AT_RISK)] == ["cancelled", "cancelled"]


def test_the_alert_is_cancelled_when_the_member_is_removed_and_never_planned_after(app, team, clock, smtp):
    clock.move_to(IN_WINDOW)
    with app.app_context():
        service.plan_user(_user("owner@example.com"), IN_WINDOW)
        db.session.commit()
        team_service.remove_member(_user("owner@example.com"), team["team_id"], team["m_ben"])
        service.sweep(IN_WINDOW)
        service.sweep(IN_WINDOW + dt.timedelta(days=3))
        assert _team_mail(smtp, rules.TEAM_AT_RISK) == []
        assert {r.status for r in _rows(rules.TEAM_AT_RISK)} == {"cancelled"}


def test_the_alert_is_cancelled_when_the_cycle_is_no_longer_at_risk(app, team, clock, smtp):
    clock.move_to(IN_WINDOW)
    with app.app_context():
        service.plan_user(_user("owner@example.com"), IN_WINDOW)
        db.session.commit()
        ben = _user("ben@example.com")
        credential_service.add_activity(ben, credential_service.ActivityInput(
            completed_on=IN_WINDOW.date(), title="Coding boot camp", provider="AHIMA", reference="", ceus="20",
            counts_toward="ahima:RHIT",
        ), IN_WINDOW.date())
        service.sweep(IN_WINDOW)
        assert _team_mail(smtp, rules.TEAM_AT_RISK) == []
        assert [r.status for r in _rows(rules.TEAM_AT_RISK) if r.user_id == _user("owner@example.com").id] == ["cancelled"]


def test_a_manager_who_paused_or_unsubscribed_gets_no_alert(app, team, clock, smtp):
    with app.app_context():
        service.unsubscribe(_user("owner@example.com"), "all")
        service.unsubscribe(_user("manager@example.com"), rules.TEAM_AT_RISK)
    clock.move_to(IN_WINDOW)
    with app.app_context():
        service.sweep(IN_WINDOW)
        assert _team_mail(smtp, rules.TEAM_AT_RISK) == []
        assert _rows(rules.TEAM_AT_RISK) == []


def test_the_weekly_digest_goes_once_a_week_to_each_manager_and_to_no_member(app, team, clock, smtp):
    tuesday = NOW + dt.timedelta(days=1)
    clock.move_to(tuesday)
    with app.app_context():
        service.sweep(tuesday)  # the daily planning: next Monday's digest, at 08:00 in New York
        assert _team_mail(smtp, rules.TEAM_DIGEST) == []
        monday = dt.datetime(2026, 11, 30, 13, 0, tzinfo=UTC)
        clock.move_to(monday - dt.timedelta(minutes=1))
        service.sweep(monday - dt.timedelta(minutes=1))
        assert _team_mail(smtp, rules.TEAM_DIGEST) == []
        clock.move_to(monday)
        service.sweep(monday)
        service.sweep(monday + dt.timedelta(hours=2))
        sent = _team_mail(smtp, rules.TEAM_DIGEST)
        assert sorted(sent) == [
            ("manager@example.com", "Outpatient coding: this week's team digest"),
            ("owner@example.com", "Outpatient coding: this week's team digest"),
        ]
        message = next(m for m in smtp.recorder.messages if m["X-Rungs-Reminder"].startswith("team_digest:"))
        text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert "ben@example.com\n- RHIT: At risk, 20 CEUs still needed by" in text
        assert "ana@example.com" not in text and "boot camp" not in text
        assert f"/teams/{team['team_id']}" in text
        next_monday = monday + dt.timedelta(days=7)
        clock.move_to(next_monday)
        service.sweep(next_monday)
        service.sweep(next_monday + dt.timedelta(hours=1))
        recipients = [to for to, _subject in _team_mail(smtp, rules.TEAM_DIGEST)]
        assert sorted(recipients) == ["manager@example.com"] * 2 + ["owner@example.com"] * 2


def test_no_member_and_no_stranger_gets_a_team_email(app, team, clock, smtp):
    for moment in (NOW, IN_WINDOW, dt.datetime(2026, 12, 14, 13, 0, tzinfo=UTC)):
        clock.move_to(moment)
        with app.app_context():
            service.sweep(moment)
    with app.app_context():
        team_mail = _team_mail(smtp, rules.TEAM_AT_RISK) + _team_mail(smtp, rules.TEAM_DIGEST)
        assert team_mail and {to for to, _s in team_mail} == {"owner@example.com", "manager@example.com"}
        members = {_user(e).id for e in ("ben@example.com", "ana@example.com", "stranger@example.com")}
        kinds = set(db.session.execute(select(Reminder.kind).where(Reminder.user_id.in_(members))).scalars())
        assert not kinds & {rules.TEAM_AT_RISK, rules.TEAM_DIGEST}
        assert not [m for m in smtp.recorder.messages
                    if m["To"] != "owner@example.com" and m["To"] != "manager@example.com"
                    and m["X-Rungs-Reminder"].startswith("team_")]


def test_a_plain_member_made_manager_is_planned_at_once(app, team, clock):
    with app.app_context():
        ana = db.session.execute(select(TeamMembership).join(User, User.id == TeamMembership.user_id)
                                 .where(User.email == "ana@example.com")).scalar_one()
        team_service.change_role(_user("owner@example.com"), team["team_id"], ana.id, "manager")
        digests = [r for r in _rows(rules.TEAM_DIGEST) if r.user_id == _user("ana@example.com").id]
        # Her digest weekday is Monday, today: today's (its hour passed: it goes at the next sweep)
        # and next week's, without waiting for her daily planning.
        assert [r.occurrence for r in digests] == [TODAY, dt.date(2026, 11, 30)]
