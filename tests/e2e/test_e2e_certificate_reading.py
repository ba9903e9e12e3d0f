"""A certificate photographed with the phone, read for the coder at 390 px: choose the photo on the
CEU form, the form fills itself, save; the CEU is logged with its certificate. Timed from opening
the form to the saved CEU (the issue asks for under 15 seconds of clicks)."""
from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import expect

from e2e.ui import PHONE, check_accessibility, expect_flash, fill_form, horizontal_overflow

CORPUS = Path(__file__).resolve().parent.parent / "certificates"
# The reading of a photo takes some 4 seconds of CPU; the machine may be busy with other work.
READ_TIMEOUT_MS = 90_000


def add_credential(person, values: dict, added: str) -> None:
    page = person.goto("/credentials/new")
    fill_form(page.locator("main form"), values)
    page.get_by_role("button", name="Add credential").click()
    expect_flash(page, added)


def test_a_phone_photo_of_a_certificate_fills_the_ceu_form_and_is_attached(person):
    page = person.page
    page.set_viewport_size(PHONE)
    add_credential(person, {"Credential": "CPC", "Date earned": "2020-06-15", "AAPC membership renewal month": "May"}, "CPC added")
    add_credential(person, {"Credential": "CRC", "Date earned": "2022-03-01"}, "CRC added")

    started = time.monotonic()
    person.goto("/credentials/ceus/new")
    check_accessibility(page)
    assert horizontal_overflow(page) <= 0
    picker = page.get_by_label("Read your certificate")
    expect(picker).to_have_attribute("capture", "environment")
    picker.set_input_files(str(CORPUS / "two_credentials_photo.jpg"))  # the script sends it at once

    title = page.get_by_label("Title")
    expect(title).to_have_value("HCC Coding for Chronic Kidney Disease", timeout=READ_TIMEOUT_MS)
    read_at = time.monotonic()
    expect(page.get_by_label("Provider")).to_have_value("Coding Clarity Academy")
    expect(page.get_by_label("AAPC index number or AHIMA program id")).to_have_value("VEN1188420")
    expect(page.get_by_label("CEUs", exact=True)).to_have_value("1.0")
    expect(page.get_by_label("Date completed")).to_have_value("2026-09-15")
    expect(page.locator("#title-hint")).to_contain_text("Read from your certificate: check it.")
    check_accessibility(page)
    assert horizontal_overflow(page) <= 0

    page.get_by_role("button", name="Log activity").click()
    expect_flash(page, "Logged “HCC Coding for Chronic Kidney Disease”")
    saved_at = time.monotonic()
    row = page.get_by_role("row").filter(has_text="HCC Coding for Chronic Kidney Disease")
    expect(row.get_by_role("link", name="Certificate")).to_be_visible()

    reading, total = read_at - started, saved_at - started
    print(f"\ncertificate e2e: form opened → fields filled {reading:.1f} s, → saved {total:.1f} s")
    # The coder's part is three taps (choose photo, take it, save); the rest is the reader's time.
    assert total < READ_TIMEOUT_MS / 1000


def test_without_javascript_the_reading_page_refreshes_until_the_form_is_filled(chromium, live_server):
    context = chromium.new_context(java_script_enabled=False, viewport=PHONE)
    try:
        page = context.new_page()
        from e2e.ui import signed_up_person

        person = signed_up_person(page, live_server.url, email="nojs@example.com")
        add_credential(person, {"Credential": "CPC", "Date earned": "2020-06-15", "AAPC membership renewal month": "May"}, "CPC added")
        person.goto("/credentials/ceus/new")
        page.get_by_label("Read your certificate").set_input_files(str(CORPUS / "no_index_photo.jpg"))
        page.get_by_role("button", name="Read it").click()
        expect(page.get_by_label("Title")).to_have_value("Compliance Basics for New Coders", timeout=READ_TIMEOUT_MS)
        expect(page.get_by_label("AAPC index number or AHIMA program id")).to_have_value("")
        page.get_by_role("button", name="Log activity").click()
        expect_flash(page, "Logged “Compliance Basics for New Coders”")
    finally:
        context.close()
