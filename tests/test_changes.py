"""One change tracker: a commit's owners are worked out once for the page cache and reminders."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import event, select

from tracker.extensions import db
from tracker.models import Reminder, User
from tracker.services import plans as plan_service

TODAY = dt.date(2026, 11, 23)


def test_a_commit_resolves_milestone_owners_once_for_both_subscribers(app, clock):
    with app.app_context():
        user = User(email="coder@example.com", password_hash="x", time_zone="America/New_York", session_version=1)
        db.session.add(user)
        db.session.commit()
        plan = plan_service.create_custom_plan(user, "My plan", TODAY)
        plan_service.append_milestones(plan, [("Step 1", "", 5, "days")])
        version = db.session.get(User, user.id).data_version
        milestone = plan.milestones[0]
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            plan_service.set_duration(milestone, 9, "days")  # a milestone row: owner via its plan
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        # Resolving the milestone's plan to its user (main: once per flush hook, so twice).
        owners = [s for s in statements if "FROM PLANS WHERE PLANS.ID IN" in " ".join(s.split()).upper()]
        assert len(owners) == 1, statements
        # Both subscribers heard of it: the data version moved, the reminder moved to the new date.
        assert db.session.get(User, user.id).data_version == version + 1
        dates = {r.occurrence for r in db.session.execute(
            select(Reminder).where(Reminder.status == "pending", Reminder.kind == "milestone_due")).scalars()}
        assert dates == {TODAY + dt.timedelta(days=9)}
