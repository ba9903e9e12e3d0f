"""Open data in a real browser: the calendar feed's address is shown once and serves the plan's
dates; export, delete the account, create it again, import: the new export equals the old one."""
from __future__ import annotations

import datetime as dt
import json
import re

from icalendar import Calendar
from playwright.sync_api import expect

from e2e.ui import (
    PHONE,
    check_accessibility,
    create_plan,
    expect_flash,
    fill_form,
    horizontal_overflow,
    plan_steps,
    sign_up,
)


def download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return info.value.path().read_bytes()


def normalised(raw: bytes) -> dict:
    document = json.loads(raw)
    document.pop("exported_at")
    return document


def test_feed_address_is_shown_once_and_serves_the_plan(person):
    start = person.today() + dt.timedelta(days=14)
    create_plan(person, "CPC", start)
    steps = plan_steps(person.page)

    page = person.goto("/settings/")
    check_accessibility(page)
    page.get_by_role("link", name="Set up the calendar feed").click()
    check_accessibility(page)
    page.get_by_role("button", name="Turn on the calendar feed").click()
    expect_flash(page, "Your calendar feed is on")
    address = page.get_by_role("textbox", name="Calendar address")
    expect(address).to_have_value(re.compile(r"^http://127\.0\.0\.1:\d+/calendar/rungs_cal_[A-Za-z0-9_-]{43}\.ics$"))
    check_accessibility(page)

    old_url = address.input_value()
    feed = page.request.get(old_url)  # as a calendar app would: the address is the credential
    assert feed.status == 200
    calendar = Calendar.from_ical(feed.body())
    dues = sorted(e["DTSTART"].dt for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("milestone-"))
    assert dues == sorted(step.projected[1] for step in steps)

    page.reload()
    expect(page.get_by_role("textbox", name="Calendar address")).to_have_count(0)
    page.get_by_role("button", name="Rotate address").click()
    expect_flash(page, "The old one no longer works")
    new_url = page.get_by_role("textbox", name="Calendar address").input_value()
    assert new_url != old_url
    assert page.request.get(old_url).status == 404
    assert page.request.get(new_url).status == 200


def test_export_delete_register_import_gives_the_same_export(person, live_server, tmp_path):
    create_plan(person, "CPC", person.today() + dt.timedelta(days=7))
    page = person.goto("/settings/")
    before = download(page, "Download my data (JSON)")
    exported = tmp_path / "rungs-data.json"
    exported.write_bytes(before)

    fill_form(page.locator("#delete-account form"), {"Your password": person.password})
    page.get_by_role("button", name="Delete my account").click()
    expect_flash(page, "Your account and everything in it are deleted.")

    again = sign_up(page, live_server.url, email=person.email, zone=person.zone)
    page = again.goto("/settings/")
    fill_form(page.locator("#your-data form"), {"Data file (rungs-data-….json)": exported})
    page.get_by_role("button", name="Import", exact=True).click()
    expect_flash(page, "Imported 1 plan(s)")
    check_accessibility(page)

    page = again.goto("/settings/")
    expect(page.get_by_text("Import works into an empty account only")).to_be_visible()
    after = download(page, "Download my data (JSON)")
    assert normalised(after) == normalised(before)


def test_settings_page_fits_a_phone(person):
    page = person.page
    page.set_viewport_size(PHONE)
    person.goto("/settings/")
    assert horizontal_overflow(page) == 0
    check_accessibility(page)
    person.goto("/settings/calendar")
    page.get_by_role("button", name="Turn on the calendar feed").click()
    expect(page.get_by_role("textbox", name="Calendar address")).to_be_visible()
    assert horizontal_overflow(page) == 0
    check_accessibility(page)
