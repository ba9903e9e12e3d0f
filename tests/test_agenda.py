"""One agenda: a dated thing has the same date, named the same way ("Due", and which date that
is), on the plan page, the dashboard, the calendar feed, the reminder centre, the API and the email."""
from __future__ import annotations

import datetime as dt
import re

from icalendar import Calendar
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import Plan, Reminder, User
from tracker.services import api_tokens
from tracker.services import plans as plan_service
from tracker.services import reminders as reminder_service

from support import text_of
from test_calendar_feed import turn_on_feed

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 23)  # the clock fixture's date in New York
STARTED = dt.date(2026, 6, 1)
# Step 1 (90 days) is due Aug 30, step 2 (100 days) Dec 8, 2026 by the targets. Nothing is
# started, so from today the projection is Feb 21 and Jun 1, 2027, a day later every day.
STEP_2_TARGET = dt.date(2026, 12, 8)
STEP_2_PROJECTED = dt.date(2027, 6, 1)


def _user() -> User:
    return db.session.execute(select(User)).scalar_one()


def plan_started_in_the_past(app) -> tuple[int, int]:
    with app.app_context():
        plan = plan_service.create_custom_plan(_user(), "My plan", STARTED)
        plan_service.append_milestones(plan, [("Step 1", "", 90, "days"), ("Step 2", "", 100, "days")])
        return plan.id, plan.milestones[1].id


def test_a_plan_started_in_the_past_shows_one_due_date_named_the_same_everywhere(app, clock, smtp, user_browser):
    plan_id, step_2 = plan_started_in_the_past(app)
    with app.app_context():
        view = plan_service.plan_view(db.session.get(Plan, plan_id), TODAY)
        assert view.milestones[1].schedule.target_due == STEP_2_TARGET
        assert view.milestones[1].schedule.projected_due == STEP_2_PROJECTED

    # The plan page and the dashboard.
    page = user_browser.get(f"/plans/{plan_id}").text
    assert re.search(r'<dt>Due</dt><dd class="agenda-date" data-means="target">Dec 8 \(its target date\)</dd>', page), page
    dashboard = text_of(user_browser.get("/"))
    assert "Due Aug 30 (its target date; projected Feb 21, 2027)" in dashboard  # step 1 is the current one

    # The calendar feed.
    path, _token = turn_on_feed(user_browser)
    feed = Calendar.from_ical(app.test_client().get(path).data)
    event = {str(e["UID"]): e for e in feed.walk("VEVENT")}[f"milestone-{step_2}@rungs"]
    assert event["DTSTART"].dt == STEP_2_TARGET
    assert str(event["SUMMARY"]) == "Due: Step 2 (My plan)"
    assert str(event["DESCRIPTION"]).startswith("Due Dec 8, 2026, its target date. Projected due Jun 1, 2027;")

    # The reminder centre and the API.
    centre = text_of(user_browser.get("/reminders/"))
    assert "Step 2 (My plan)" in centre and "Due Dec 8, 2026 (target date)" in centre
    with app.app_context():
        _row, secret = api_tokens.create_token(_user(), "test")
    listed = app.test_client().get("/api/v1/reminders", headers={"Authorization": f"Bearer {secret}"})
    assert listed.status_code == 200, listed.text
    step_2_rows = [r for r in listed.json if r["title"] == "Step 2 (My plan)" and r["kind"] == "milestone_due"]
    assert [(r["occurrence"], r["occurrence_means"]) for r in step_2_rows] == [("2026-12-08", "target")]

    # The email, sent the day before at 08:00 in New York.
    clock.move_to(dt.datetime(2026, 12, 7, 13, 0, tzinfo=UTC))
    with app.app_context():
        assert reminder_service.sweep(dt.datetime(2026, 12, 7, 13, 0, tzinfo=UTC)).sent >= 1
    message = next(m for m in smtp.recorder.messages if "Step 2" in m["Subject"])
    assert message["Subject"] == "Due Tue Dec 8: Step 2 (My plan)"
    assert "Due: Tuesday, December 8 (in 1 day), its target date" in message.get_body(("plain",)).get_content()


def test_every_open_milestone_the_plan_page_dates_has_its_reminder(app, clock, user_browser):
    plan_id, _step_2 = plan_started_in_the_past(app)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        plan_service.mark_done(plan.milestones[0], dt.date(2026, 8, 20), TODAY)  # finished early
        # A milestone of the user's own after the finished step, then one at the end.
        plan_service.add_custom_milestone(plan, 1, "Practice exams", "", 30, "days")
        plan_service.add_custom_milestone(plan, 3, "Mock interview", "", 1, "weeks")
    page = user_browser.get(f"/plans/{plan_id}").text
    shown = []
    for chunk in re.split(r'(?=<a href="/plans/\d+/milestones/\d+">\d+\. )', page)[1:]:
        found = re.match(r'<a href="/plans/\d+/milestones/(\d+)">\d+\. ([^<]+)</a>', chunk)
        dated = re.search(r'<dt>(Due)</dt><dd class="agenda-date" data-means="\w+">([^<(]+) \(', chunk)
        if dated:
            shown.append((*found.groups(), *dated.groups()))
    assert {title for _id, title, _label, _on in shown} == {"Practice exams", "Step 2", "Mock interview"}
    with app.app_context():
        planned = {(r.kind, r.subject_key, r.occurrence) for r in db.session.execute(
            select(Reminder).where(Reminder.status == "pending")).scalars()}
    for milestone_id, title, _label, on in shown:
        # Pages give the year only when it is not this year (issue 15).
        day = dt.datetime.strptime(on if "," in on else f"{on}, {TODAY.year}", "%b %d, %Y").date()
        # Ahead: reminded the day before; already past (however long ago): one overdue reminder.
        kind = "milestone_due" if day > TODAY else "milestone_overdue"
        assert (kind, f"milestone:{milestone_id}", day) in planned, (title, on, planned)


def test_the_centre_says_an_overdue_reminder_goes_with_the_next_sweep_not_a_past_time(app, clock, user_browser):
    """Step 1's overdue reminder was due in August: the centre does not promise it 'sends Aug 31'."""
    plan_started_in_the_past(app)
    page = text_of(user_browser.get("/reminders/"))
    assert "Due Aug 30, 2026 (target date) Overdue: 1 day after Sends in the next few minutes" in page
    assert "Sends Aug 31, 2026" not in page
    assert "Due Dec 8, 2026 (target date) 1 day before Sends Dec 7, 2026" in page  # still ahead: its own time
