"""Reminder preferences and the reminder centre in a real browser."""
from __future__ import annotations

from playwright.sync_api import expect

from e2e.ui import PHONE, check_accessibility, create_plan, expect_flash, horizontal_overflow

CPC = "CPC — Certified Professional Coder"


def test_changing_reminder_preferences_moves_what_is_coming_up(person):
    create_plan(person, CPC, person.today())
    page = person.goto("/reminders/")
    check_accessibility(page)
    coming = page.locator("#pending")
    expect(coming).to_contain_text("A plan milestone is due soon")
    expect(coming).to_contain_text("08:00")

    page.get_by_role("link", name="Preferences").click()
    check_accessibility(page)
    page.get_by_label("Send at").select_option(label="07:00")
    page.get_by_label("A plan milestone is overdue").uncheck()
    page.locator("#offsets-milestone_due").fill("3, soon")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.locator("#offsets-milestone_due-error")).to_contain_text("'soon' is not a whole number")
    check_accessibility(page)
    page.locator("#offsets-milestone_due").fill("3")
    page.get_by_role("button", name="Save preferences").click()
    expect_flash(page, "Reminder preferences saved")

    page = person.goto("/reminders/")
    coming = page.locator("#pending")
    expect(coming).to_contain_text("07:00")
    expect(coming).not_to_contain_text("A plan milestone is overdue")
    page.set_viewport_size(PHONE)
    for path in ("/reminders/", "/reminders/preferences"):
        person.goto(path)
        assert horizontal_overflow(page) <= 0, path
