"""One career in the browser: a working coder signs up and sees renewals first; an aspiring coder
passes the CPC exam and holds CPC-A on the credentials page and the ladder."""
from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from e2e.ui import (
    ALREADY_CERTIFIED,
    PHONE,
    check_accessibility,
    create_plan,
    expect_flash,
    fill_form,
    horizontal_overflow,
    sign_up,
    step_item,
)

CPC = "CPC — Certified Professional Coder"
DAY = dt.timedelta(days=1)


def add_credential(page, values: dict) -> None:
    fill_form(page.locator("main form"), values)
    page.get_by_role("button", name="Add credential").click()


def test_a_working_coder_with_cpc_and_crc_sees_renewals_first(page, live_server):
    person = sign_up(page, live_server.url, email="working@example.com", stage=ALREADY_CERTIFIED)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your credentials")
    check_accessibility(page)

    add_credential(page, {"Credential": "CPC", "Date earned": dt.date(2023, 5, 15), "AAPC membership renewal month": "May"})
    expect_flash(page, "CPC added")
    expect(page.get_by_role("list", name="Added so far")).to_contain_text("renews in May")
    add_credential(page, {"Credential": "CRC", "Date earned": dt.date(2024, 9, 20)})
    expect_flash(page, "CRC added")
    check_accessibility(page)

    page.get_by_role("link", name="Next: where you are on the ladder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where you are on the ladder")
    check_accessibility(page)
    fill_form(page, {"Years of coding experience": "3"})
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(person.base + "/")
    expect_flash(page, "You are on the ladder as Medical Coder")
    sections = page.locator("main section.card h2").all_inner_texts()
    assert sections[0].startswith("AAPC CEUs") and "CPC · CRC" in sections[0], sections
    main = page.locator("main")
    expect(main).not_to_contain_text("No plan yet")
    expect(main).not_to_contain_text("Start with a plan")
    expect(main).not_to_contain_text("On the pathway")
    expect(main).to_contain_text("Medical Coder → Senior Medical Coder")
    check_accessibility(page)
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0


def test_an_aspiring_coder_passes_the_cpc_exam_and_holds_cpc_a(page, live_server):
    person = sign_up(page, live_server.url, email="aspiring@example.com")
    create_plan(person, CPC, person.today() - 200 * DAY)
    step_item(page, 3).get_by_role("link").first.click()
    passed = person.today() - 2 * DAY
    exam = page.locator("#exam")
    fill_form(exam, {"Exam date": passed, "Passed": True})
    exam.get_by_role("button", name="Record attempt").click()

    expect_flash(page, "CPC-A added to your credentials")
    check_accessibility(page)

    page = person.goto("/credentials/")
    expect(page.locator("main")).to_contain_text("CPC-A")
    check_accessibility(page)

    page = person.goto("/ladder/")
    expect(page.locator("#compare")).to_contain_text("You hold CPC-A")
    expect(page.locator("#compare")).not_to_contain_text("Not held")

    page = person.goto("/")
    expect(page.locator("main")).to_contain_text("Your credentials: CPC-A")
    sections = page.locator("main section.card h2").all_inner_texts()
    assert sections[0].startswith("CPC"), sections  # still the plan first for someone starting out


def test_undoing_the_passed_exam_step_offers_to_remove_cpc_a(page, live_server):
    person = sign_up(page, live_server.url, email="undo@example.com")
    create_plan(person, CPC, person.today() - 200 * DAY)
    step_item(page, 3).get_by_role("link").first.click()
    fill_form(page.locator("#exam"), {"Exam date": person.today() - DAY, "Passed": True})
    page.locator("#exam").get_by_role("button", name="Record attempt").click()
    expect_flash(page, "CPC-A added")

    page.get_by_role("button", name="Undo done").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove CPC-A from your credentials?")
    check_accessibility(page)
    page.get_by_role("button", name="Remove CPC-A").click()
    expect_flash(page, "CPC-A removed from your credentials")
    page = person.goto("/credentials/")
    expect(page.locator("main")).not_to_contain_text("CPC-A")
