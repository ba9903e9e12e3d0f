"""Reminder preferences, the reminder centre and the calendar feed page in a real browser."""
from __future__ import annotations

from playwright.sync_api import expect

from e2e.ui import PHONE, check_accessibility, create_plan, expect_flash, horizontal_overflow

CPC = "CPC — Certified Professional Coder"


def test_changing_reminder_preferences_moves_what_is_coming_up(person):
    create_plan(person, CPC, person.today())
    page = person.goto("/reminders/")
    check_accessibility(page)
    coming = page.locator("#pending")
    expect(coming).to_contain_text("Plan step")
    expect(coming).to_contain_text("1 day before")
    expect(coming).to_contain_text("08:00")

    page.get_by_role("link", name="Preferences").click()
    check_accessibility(page)
    page.get_by_label("Send at").select_option(label="07:00")
    page.get_by_label("A plan milestone is overdue").uncheck()
    due_soon = page.locator("#offsets-milestone_due")
    for box in due_soon.get_by_role("checkbox").all():
        box.uncheck()
    page.get_by_role("button", name="Save preferences").click()
    expect(page.locator("#offsets-milestone_due-error")).to_contain_text("Tick at least one lead time")
    check_accessibility(page)
    page.locator("#offsets-milestone_due").get_by_label("7 days before").check()
    page.get_by_role("button", name="Save preferences").click()
    expect_flash(page, "Reminder preferences saved")

    page = person.goto("/reminders/")
    coming = page.locator("#pending")
    expect(coming).to_contain_text("07:00")
    expect(coming).to_contain_text("7 days before")
    expect(coming).not_to_contain_text("Overdue: 1 day after")
    page.set_viewport_size(PHONE)
    for path in ("/reminders/", "/reminders/preferences"):
        person.goto(path)
        assert horizontal_overflow(page) <= 0, path


def test_snooze_and_skip_from_the_reminder_centre(person):
    create_plan(person, CPC, person.today())
    page = person.goto("/reminders/")
    first = page.locator("#pending .reminder-rows > li").filter(has=page.locator("button[name=days][value='7']")).first
    first.get_by_text("Snooze or skip").click()
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) <= 0
    first.get_by_role("button", name="7 days later").click()
    expect_flash(page, "Snoozed: this reminder now comes on")
    expect(page.locator("#pending")).to_contain_text("Snoozed: sends")

    row = page.locator("#pending .reminder-rows > li").filter(has=page.locator("form[action$='/skip']")).first
    row.get_by_text("Snooze or skip").click()
    row.get_by_role("button", name="Skip this one").click()
    expect_flash(page, "Skipped")
    expect(page.locator("#skipped")).to_be_visible()
    check_accessibility(page)
    page.locator("#skipped").get_by_role("button", name="Undo skip").first.click()
    expect_flash(page, "coming up again")


def test_the_calendar_feed_page_with_and_without_javascript(person, chromium, live_server):
    page = person.goto("/settings/calendar")
    check_accessibility(page)
    page.get_by_role("button", name="Turn on the calendar feed").click()
    expect_flash(page, "Your calendar feed is on")
    address = page.get_by_role("textbox", name="Calendar address")
    url = address.input_value()
    assert url.startswith(live_server.url + "/calendar/rungs_cal_")
    expect(page.get_by_role("link", name="Add to Google Calendar")).to_have_attribute(
        "href", "https://calendar.google.com/calendar/render?cid=" + ("webcal://" + url.split("://", 1)[1]).replace(":", "%3A").replace("/", "%2F"))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.get_by_role("button", name="Copy address").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) <= 0

    page.get_by_label("Code-set updates (ICD-10-CM, CPT, HCPCS)").uncheck()
    page.get_by_label("Alarm before deadlines").select_option(label="1 day before, at 9:00")
    page.get_by_role("button", name="Save feed choices").click()
    expect_flash(page, "Saved.")
    expect(page.get_by_label("Code-set updates (ICD-10-CM, CPT, HCPCS)")).not_to_be_checked()
    check_accessibility(page)

    # Without JavaScript: no copy button, and the address (after a rotation) can still be selected.
    cookies = page.context.cookies()
    no_script = chromium.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        no_script.add_cookies(cookies)
        bare = no_script.new_page()
        bare.goto(live_server.url + "/settings/calendar")
        bare.get_by_role("button", name="Rotate address").click()
        expect(bare.get_by_role("textbox", name="Calendar address")).to_be_visible()
        expect(bare.get_by_role("button", name="Copy address")).to_be_hidden()
        assert bare.get_by_role("textbox", name="Calendar address").input_value().startswith(live_server.url + "/calendar/rungs_cal_")
    finally:
        no_script.close()
