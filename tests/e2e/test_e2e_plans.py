"""A person builds a plan in the browser and keeps it up to date.

Dates are chosen from the real today (where the person is), so the tests hold on any day: the plan
starts 60 days from now, and every expectation is computed from the dates the page shows.
"""
from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect

from e2e.ui import (
    PHONE,
    check_accessibility,
    create_plan,
    expect_flash,
    fill_form,
    horizontal_overflow,
    plan_status,
    plan_steps,
    sign_up,
    step_item,
    timeline_bars,
)

CPC = "CPC — Certified Professional Coder"
DAY = dt.timedelta(days=1)


def start_date(person) -> dt.date:
    return person.today() + 60 * DAY


def test_sign_up_then_a_full_time_cpc_plan_shows_six_dated_steps_and_a_timeline(page, live_server):
    person = sign_up(page, live_server.url, email="new.coder@example.com", zone="America/Los_Angeles")
    start = start_date(person)

    create_plan(person, CPC, start, "Full time")

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("CPC"))
    steps = plan_steps(page)
    assert [s.title for s in steps] == [
        "Research certification paths and choose one",
        "Complete an accredited coding program",
        "Prepare for, schedule and pass the CPC exam",
        "Gain practical experience",
        "Prepare your resume and interviews",
        "Apply for entry-level coding jobs",
    ]
    assert steps[0].target[0] == start
    assert steps[0].target[1] == start + 7 * DAY  # the first step plans one week
    for earlier, later in zip(steps, steps[1:]):
        assert later.target[0] == earlier.target[1], "each step starts when the one before is due"
    assert all(s.projected == s.target for s in steps)
    assert plan_status(page) == "On track"
    timeline = page.get_by_role("group", name=re.compile("Timeline of"))
    expect(timeline).to_be_visible()
    expect(timeline.locator("a")).to_have_count(6)
    check_accessibility(page)


def test_step_two_done_three_weeks_late_moves_later_steps_by_21_days(person):
    # A step cannot be marked done on a day still to come (issue 15), so the plan starts in the
    # past: step 2 (1 week, then 6 months) was due three weeks ago and is marked done today.
    today = person.today()
    create_plan(person, CPC, today - 21 * DAY - relativedelta(months=6) - 7 * DAY)
    page = person.page
    before = plan_steps(page)
    three_weeks_late = before[1].target[1] + 21 * DAY
    assert three_weeks_late == today

    item = step_item(page, 1)
    item.get_by_label("On").fill(before[0].target[1].isoformat())
    item.get_by_role("button", name="Mark done").click()
    expect_flash(page, "done on")
    item = step_item(page, 2)
    item.get_by_label("On").fill(three_weeks_late.isoformat())
    item.get_by_role("button", name="Mark done").click()

    expect_flash(page, "done on")
    after = plan_steps(page)
    assert after[1].done_on == three_weeks_late
    assert "Done 21 days late" in after[1].badges
    for old, new in zip(before[2:], after[2:]):
        assert new.target == old.target, "targets stay where they were planned"
        assert new.projected == (new.target[0] + 21 * DAY, new.target[1] + 21 * DAY)
        assert "Behind by" not in new.badges, "the plan says it once, not every later step"
    assert plan_status(page) == "Behind by 21 days"
    expect(page.locator("figure.timeline desc")).to_contain_text("Behind by 21 days")
    bars = timeline_bars(page)
    assert all(projected > target for target, projected in bars[2:]), "later bars move right of their targets"
    check_accessibility(page)


def test_editing_a_steps_duration_moves_the_targets_after_it(person):
    create_plan(person, CPC, start_date(person))
    page = person.page
    before = plan_steps(page)

    step_item(page, 1).get_by_role("link").first.click()
    duration = page.locator("#duration")
    fill_form(duration, {"Duration": 3, "Unit": "weeks"})
    duration.get_by_role("button", name="Save").click()

    expect_flash(page, "Duration saved")
    expect(duration).to_contain_text("Now 3 weeks; the template says 1–2 weeks")
    check_accessibility(page)
    page.get_by_role("link", name=re.compile("^← ")).click()
    after = plan_steps(page)
    assert after[0].target == (before[0].target[0], before[0].target[0] + 21 * DAY)
    assert after[1].target[0] == before[1].target[0] + 14 * DAY
    expect(step_item(page, 1)).to_contain_text("edited")


def test_ticking_a_checklist_item_is_saved_and_counted(person):
    create_plan(person, CPC, start_date(person))
    page = person.page
    step_item(page, 3).get_by_role("link").first.click()
    checklist = page.locator("#checklist")
    total = checklist.get_by_role("checkbox").count()
    assert total >= 2

    checklist.get_by_role("checkbox", name="4 hours").check()
    checklist.get_by_role("button", name="Save checklist").click()

    expect_flash(page, "Checklist saved")
    expect(checklist.get_by_role("checkbox", name="4 hours")).to_be_checked()
    expect(checklist.get_by_role("checkbox", name="100 questions")).not_to_be_checked()
    expect(checklist).to_contain_text(f"1 of {total} done")
    expect(checklist.get_by_role("progressbar")).to_have_attribute("value", "1")
    page.reload()
    expect(checklist.get_by_role("checkbox", name="4 hours")).to_be_checked()
    check_accessibility(page)


def test_a_custom_milestone_can_be_added_and_then_deleted(person):
    create_plan(person, CPC, start_date(person))
    page = person.page
    before = plan_steps(page)

    page.get_by_role("link", name="Add a milestone", exact=True).click()
    check_accessibility(page)
    fill_form(page.locator("main form"), {
        "Title": "Study group mock exam",
        "Duration": 2,
        "Unit": "weeks",
        "Goes after": "After 2. Complete an accredited coding program",
    })
    page.get_by_role("button", name="Add milestone").click()

    expect_flash(page, "“Study group mock exam” added to your plan")
    added = plan_steps(page)
    assert len(added) == 7
    assert added[2].title == "Study group mock exam"
    assert "Your milestone" in step_item(page, 3).inner_text()
    assert added[2].target == (before[2].target[0], before[2].target[0] + 14 * DAY)
    assert added[3].target[0] == before[2].target[0] + 14 * DAY, "later steps make room"

    step_item(page, 3).get_by_role("link").first.click()
    page.once("dialog", lambda dialog: dialog.accept())  # "Delete … from your plan?"
    page.get_by_role("button", name="Delete this milestone").click()

    expect_flash(page, "removed from your plan")
    assert plan_steps(page) == before


def test_plan_page_fits_a_phone_screen(person):
    plan_url = create_plan(person, CPC, start_date(person))
    page = person.page
    step_item(page, 2).get_by_label("On").fill((plan_steps(page)[1].target[1] + 21 * DAY).isoformat())
    step_item(page, 2).get_by_role("button", name="Mark done").click()

    page.set_viewport_size(PHONE)
    for path in (plan_url, "/", "/plans/", "/plans/new", "/settings/"):
        page.goto(path if path.startswith("http") else person.base + path)
        assert horizontal_overflow(page) <= 0, f"{page.url} is wider than a 390 px phone"
    page.goto(plan_url)
    expect(page.get_by_role("group", name=re.compile("Timeline of"))).to_be_visible()
    step_item(page, 3).get_by_role("link").first.click()
    assert horizontal_overflow(page) <= 0, f"{page.url} is wider than a 390 px phone"
    check_accessibility(page)
