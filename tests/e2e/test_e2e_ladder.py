"""The career ladder in a real browser: place yourself, read the next rung, plan the gap."""
from __future__ import annotations

from playwright.sync_api import expect

from e2e.ui import PHONE, check_accessibility, expect_flash, fill_form, horizontal_overflow


def test_a_medical_coder_sees_the_next_rung_and_turns_the_gap_into_a_plan(person):
    page = person.goto("/credentials/new")
    fill_form(page.locator("main form"), {"Credential": "CPC", "Date earned": "2023-11-10", "AAPC membership renewal month": "May"})
    page.get_by_role("button", name="Add credential").click()
    expect_flash(page, "CPC added")

    page = person.goto("/ladder/")
    check_accessibility(page)
    profile = page.locator("#profile form")
    fill_form(profile, {"Where you are now": "Medical Coder", "Started coding work on": "2024-03-01"})
    profile.get_by_role("button", name="Save").click()
    expect_flash(page, "Your place on the ladder is saved")
    expect(page.locator("#compare h2")).to_have_text("Medical Coder → Senior Medical Coder")
    expect(page.locator("#compare")).to_contain_text("median $65,000")
    expect(page.locator("#compare")).to_contain_text("you reach 3 years on Mar 1, 2027")
    expect(page.get_by_role("img", name="The medical coding career ladder")).to_be_visible()
    check_accessibility(page)

    page.set_viewport_size(PHONE)
    page.reload()
    assert horizontal_overflow(page) <= 0

    page.locator("#gap-plan").get_by_role("button", name="Create the milestones").click()
    expect_flash(page, "milestones for Senior Medical Coder")
    expect(page.locator("h1")).to_have_text("Next rung: Senior Medical Coder")
    expect(page.locator("ol.milestones > li").first).to_contain_text("Reach 3 years of coding experience")
