"""The dashboard's ladder card (services/ladder_glance.py) reads the profile, gaps and focus
ticks in one query and the codes held from the credentials loaded already: what it shows must be
what the ladder page's standing works out."""
from __future__ import annotations

import datetime as dt

from tracker.domain import career
from tracker.extensions import db
from tracker.models import Credential, ExperienceGap, FocusTick, LadderProfile, User
from tracker.services import credentials as credential_service
from tracker.services import ladder as ladder_service
from tracker.services import ladder_glance
from tracker.services import plans as plan_service
from tracker.services import stages

import builders

TODAY = dt.date(2026, 11, 23)


def assert_same_as_standing(user: User) -> ladder_glance.Glance:
    credentials = credential_service.list_credentials(user)
    plan = plan_service.active_plan(user)
    view = plan_service.plan_view(plan, TODAY) if plan else None
    stage = stages.stage_from(user, plan is not None, credentials)
    assert stage == stages.stage_of(user)
    found = ladder_glance.glance(user, TODAY, credentials, stage, view.schedule.projected_finish if view else None)
    expected = ladder_service.standing(user, TODAY)
    assert_standing_reads_what_the_orm_reads(user, expected)
    assert (found.comparison, found.held, found.plan_finish) == (expected.comparison, expected.held, expected.plan_finish)
    return found


def assert_standing_reads_what_the_orm_reads(user: User, state: ladder_service.Standing) -> None:
    """The ladder page's standing reads its rows in one statement: the same profile, gaps (in
    order), ticks of the rung, codes held, stage and plans as the ORM readers give."""
    profile = ladder_service.profile_of(user)
    assert (state.profile is None) == (profile is None)
    if profile is not None:
        assert (state.profile.rung_key, state.profile.coding_started_on, state.profile.specialties) == (
            profile.rung_key, profile.coding_started_on, profile.specialties)
    assert [(g.id, g.starts_on, g.ends_on) for g in state.gaps] == [
        (g.id, g.starts_on, g.ends_on) for g in ladder_service.gaps_of(user)]
    rung = state.comparison.current.key if state.comparison.current else None
    ticks = ladder_service.ticks_of(user, rung)
    assert {a: (t.area, t.done, t.evidence) for a, t in state.ticks.items()} == {
        a: (t.area, t.done, t.evidence) for a, t in ticks.items()}
    assert state.held == credential_service.held_codes(user)
    assert [(p.id, p.title) for p in state.plans] == [(p.id, p.title) for p in plan_service.list_plans(user)]


def new_user(app) -> int:
    return builders.make_user(app)


def test_an_empty_account_and_one_on_the_pathway_with_a_plan(app):
    user_id = new_user(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert assert_same_as_standing(user).plan_finish is None
        plan_service.create_plan(user, "cpc", TODAY - dt.timedelta(days=30), "full_time", TODAY)
        assert assert_same_as_standing(user).plan_finish is not None


def test_a_working_coder_placed_by_credentials_and_gaps_with_ticks_on_several_rungs(app):
    user_id = new_user(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        user.career_stage = career.CERTIFIED
        credential_service.add_credential(user, "CPC", dt.date(2018, 6, 15), TODAY, renewal_month=6)
        credential_service.add_credential(user, "RHIT", dt.date(2019, 9, 10), TODAY, cycle_end=dt.date(2027, 9, 9))
        credential_service.add_credential(user, "CRC", dt.date(2019, 9, 10), TODAY)  # same day: by code
        db.session.add(LadderProfile(user_id=user.id, rung_key=None, coding_started_on=dt.date(2018, 1, 2)))
        db.session.add_all([
            ExperienceGap(user_id=user.id, starts_on=dt.date(2022, 5, 1), ends_on=dt.date(2022, 9, 1)),
            ExperienceGap(user_id=user.id, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 3, 1)),
        ])
        db.session.commit()
        placed = ladder_service.standing(user, TODAY)
        assert placed.placed
        rung = placed.comparison.current
        other = next(r for r in ladder_service.current_ladder().rungs if r.key != rung.key)
        db.session.add_all([FocusTick(user_id=user.id, rung_key=rung.key, area=area, done=n % 2 == 0)
                            for n, area in enumerate(rung.focus_areas[:3])])
        db.session.add_all([FocusTick(user_id=user.id, rung_key=other.key, area=area, done=True) for area in other.focus_areas])
        db.session.commit()
        found = assert_same_as_standing(user)
        assert found.held == ["CPC", "CRC", "RHIT"]
        assert [done for _area, done in found.comparison.focus][:3] == [True, False, True]
        replaced = db.session.execute(db.select(Credential).where(Credential.code == "CRC")).scalar_one()
        replaced.replaced_on = TODAY
        db.session.commit()
        assert assert_same_as_standing(user).held == ["CPC", "RHIT"]


def test_a_chosen_rung_and_one_removed_from_the_data(app):
    user_id = new_user(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        credential_service.add_credential(user, "CPC", dt.date(2023, 11, 10), TODAY, renewal_month=5)
        profile = LadderProfile(user_id=user.id, rung_key="coder", coding_started_on=dt.date(2024, 3, 1))
        db.session.add(profile)
        db.session.add(FocusTick(user_id=user.id, rung_key="coder", area="Advanced guidelines across specialties", done=True))
        db.session.add(ExperienceGap(user_id=user.id, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 2, 1)))
        db.session.commit()
        assert assert_same_as_standing(user).comparison.current.key == "coder"
        profile.rung_key = "no-longer-in-the-data"
        db.session.commit()
        assert_same_as_standing(user)


def test_plans_in_list_order_and_ticks_with_evidence_on_a_chosen_rung(app):
    user_id = new_user(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        first = plan_service.create_plan(user, "cpc", TODAY - dt.timedelta(days=60), "full_time", TODAY)
        plan_service.create_plan(user, "cca", TODAY, "part_time", TODAY)
        plan_service.create_plan(user, "ccs", TODAY, "part_time", TODAY)
        plan_service.activate_plan(first)  # the oldest comes first again
        rung = ladder_service.current_ladder().rungs[1]
        db.session.add(LadderProfile(user_id=user.id, rung_key=rung.key, coding_started_on=dt.date(2021, 3, 1),
                                     specialties="Cardiology, risk adjustment"))
        db.session.add_all([FocusTick(user_id=user.id, rung_key=rung.key, area=area, done=n == 0, evidence=f"Course {n}")
                            for n, area in enumerate(rung.focus_areas)])
        db.session.commit()
        assert_same_as_standing(user)
        state = ladder_service.standing(user, TODAY)
        assert [p.id for p in state.plans][0] == first.id and len(state.plans) == 3
        assert state.profile.specialties == "Cardiology, risk adjustment"
        assert {t.evidence for t in state.ticks.values()} == {f"Course {n}" for n in range(len(rung.focus_areas))}
