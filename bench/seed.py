"""Test data for the benchmarks, made through the app's own services (call inside an app context)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tracker.extensions import db
from tracker.models import CeuActivity, User
from tracker.services import accounts
from tracker.services import credentials as credential_service
from tracker.services import plans as plan_service

PASSWORD = "correct horse battery"


def full_user(email: str, ceus: int, today: dt.date, password: str = PASSWORD) -> User:
    """A user with a full CPC plan under way (steps done, checklists ticked, costs, a failed exam
    and its retake), three credentials (CPC, CRC, RHIT) and ``ceus`` CEU activities."""
    user = accounts.register(email, password, "America/New_York")
    plan = plan_service.create_plan(user, "cpc", today - dt.timedelta(days=200), "full_time", today)
    steps = plan.milestones
    plan_service.mark_done(steps[0], today - dt.timedelta(days=170), today)
    plan_service.save_checklist(steps[1], [item.id for item in steps[1].checklist[:2]], today)
    plan_service.add_cost(steps[1], "program", "Course", Decimal("1999.00"), today - dt.timedelta(days=160))
    plan_service.add_cost(steps[1], "materials", "Books", Decimal("249.50"), today - dt.timedelta(days=150))
    plan_service.mark_done(steps[1], today - dt.timedelta(days=40), today)
    plan_service.add_cost(steps[2], "exam", "Exam fee", Decimal("499.00"), today - dt.timedelta(days=20))
    plan_service.record_exam_attempt(steps[2], today - dt.timedelta(days=10), False, today + dt.timedelta(days=30), today)
    plan_service.create_plan(user, "cca", today, "part_time", today)  # a second plan, then back to CPC
    plan_service.activate_plan(plan)
    credential_service.add_credential(user, "CPC", dt.date(2020, 6, 15), today, renewal_month=6)
    credential_service.add_credential(user, "CRC", dt.date(2022, 3, 1), today)
    credential_service.add_credential(user, "RHIT", dt.date(2021, 9, 10), today)
    add_ceus(user, ceus, today)
    return user


def add_ceus(user: User, count: int, today: dt.date) -> None:
    """``count`` CEU activities over the last two years, split between AAPC and AHIMA (one commit)."""
    activities = []
    for n in range(count):
        aapc = n % 3 != 2
        activities.append(CeuActivity(
            user_id=user.id, body="aapc" if aapc else "ahima",
            completed_on=today - dt.timedelta(days=1 + (n * 7) % 700),
            title=f"Webinar {n}: coding update", provider="Bench Provider", reference=f"IDX{n:05}",
            ceus=Decimal(50 + (n % 4) * 25) / 100, applies_to="" if aapc else "RHIT", next_cycle=False,
        ))
    db.session.add_all(activities)
    db.session.commit()
