"""Accessibility basics: every page passes axe-core (no serious or critical finding), and the
keyboard reaches the skip link first, then the page's form in reading order, with a visible focus.
"""
from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from e2e.ui import (
    PASSWORD,
    Person,
    STARTING_OUT,
    accessibility_problems,
    choose_stage,
    create_plan,
    expect_flash,
    plan_steps,
    sign_out,
    sign_up,
    sign_up_link,
    step_item,
)

CPC = "CPC — Certified Professional Coder"
DAY = dt.timedelta(days=1)


def test_every_page_passes_axe_core(page, live_server):
    """Each page in its busiest state: errors shown, steps done late, in progress and behind."""
    base = live_server.url
    problems: list[str] = []

    def check(what: str) -> None:
        found = accessibility_problems(page)
        if found:
            problems.append(f"{what} ({page.url}):")
            problems.extend(found)

    for path in ("/", "/register", "/login", "/reset", "/no-such-page"):
        page.goto(base + path)
        check(path)
    page.goto(base + "/register")
    page.get_by_role("button", name="Email me the link").click()  # nothing filled in
    expect(page.get_by_role("alert")).to_be_visible()
    check("registration with errors")
    page.get_by_label("Email", exact=True).fill("walker@example.com")
    page.get_by_role("button", name="Email me the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    check("check your inbox")
    page.goto(sign_up_link(base, "walker@example.com"))
    check("finish sign-up")
    page.get_by_role("button", name="Create account").click()  # no password
    expect(page.get_by_role("alert")).to_be_visible()
    check("finish sign-up with errors")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(base + "/start/")
    check("where are you in your career")
    page.get_by_role("button", name="Continue").click()  # nothing chosen
    expect(page.get_by_role("alert")).to_be_visible()
    check("where are you, with an error")
    choose_stage(page, STARTING_OUT)
    expect(page).to_have_url(base + "/plans/new")
    person = Person(page, base, "walker@example.com", PASSWORD, "America/New_York")
    check("new plan")
    page.get_by_role("button", name="Create my plan").click()  # no track chosen
    expect(page.get_by_role("alert")).to_be_visible()
    check("new plan with errors")
    plan_url = create_plan(person, CPC, person.today() - 100 * DAY)
    first_due = plan_steps(page)[0].target[1]
    step_item(page, 1).get_by_label("On").fill((first_due + 10 * DAY).isoformat())
    step_item(page, 1).get_by_role("button", name="Mark done").click()
    expect_flash(page, "done on")
    step_item(page, 2).get_by_label("On").fill((first_due + 10 * DAY).isoformat())
    step_item(page, 2).get_by_role("button", name="Mark started").click()
    expect_flash(page, "started on")
    check("plan with a late, a started and a behind step")

    step_item(page, 2).get_by_role("link").first.click()
    costs = page.locator("#costs")
    costs.get_by_label("Amount (USD)").fill("1250")
    costs.get_by_role("button", name="Add cost").click()
    expect_flash(page, "Cost recorded")
    page.locator("#duration").get_by_label("Duration").fill("-1")
    page.locator("#duration").get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check("milestone with a cost and a duration error")
    page.goto(plan_url)
    step_item(page, 3).get_by_role("link").first.click()
    check("exam milestone")

    for path in ("/plans/", "/", "/settings/", plan_url + "/edit", plan_url + "/delete", plan_url + "/milestones/new"):
        page.goto(path if path.startswith("http") else base + path)
        check(path)
    page.goto(base + "/settings/")
    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password").fill("a much longer passphrase")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_be_visible()
    check("settings with a password error")
    sign_out(person)
    check("signed out")

    assert not problems, "axe-core found serious or critical problems:\n" + "\n".join(problems)


def focused(page) -> str:
    """The focused element as a person would name it: its id, else its text."""
    return page.evaluate("() => document.activeElement.id || document.activeElement.textContent.trim()")


def has_visible_focus_indicator(page) -> bool:
    return page.evaluate(
        """() => {
            const style = getComputedStyle(document.activeElement);
            const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
            return outline || style.boxShadow !== "none";
        }"""
    )


def tab_through(page, last: str, limit: int = 40) -> list[str]:
    """Press Tab until ``last`` has focus; the distinct elements focused on the way, in order.

    A date input takes several presses (month, day, year) but counts once.
    """
    order: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = focused(page)
        assert has_visible_focus_indicator(page), f"{name!r} has focus but no visible focus style"
        if not order or order[-1] != name:
            order.append(name)
        if name == last:
            return order
    raise AssertionError(f"Tab never reached {last!r}; it went through {order}")


def skip_to_content(page) -> None:
    """From the top of a freshly loaded page: the first Tab lands on the visible skip link; use it."""
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert has_visible_focus_indicator(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()  # so the next Tab starts inside it


@pytest.mark.parametrize(
    ("path", "fields"),
    [
        ("/register", ["email", "Email me the link"]),
        ("/login", ["email", "password", "remember", "Sign in"]),
        ("/reset", ["email", "Send the link"]),
    ],
)
def test_keyboard_reaches_skip_link_then_the_form_in_order(page, live_server, path, fields):
    page.goto(live_server.url + path)

    skip_to_content(page)

    assert tab_through(page, last=fields[-1]) == fields


def test_keyboard_reaches_the_finish_sign_up_form_in_order(page, live_server):
    page.goto(live_server.url + "/register")
    page.get_by_label("Email", exact=True).fill("keys@example.com")
    page.get_by_role("button", name="Email me the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    page.goto(sign_up_link(live_server.url, "keys@example.com"))

    skip_to_content(page)

    assert tab_through(page, last="Create account") == ["password", "time_zone", "Create account"]


def test_keyboard_reaches_the_new_plan_form_in_order(page, live_server):
    sign_up(page, live_server.url, email="keys@example.com")
    page.reload()

    skip_to_content(page)

    assert tab_through(page, last="Create my plan") == ["template-0", "start_date", "pace-0", "title", "Create my plan"]


def test_keyboard_goes_through_the_header_in_order_with_a_visible_focus(person):
    page = person.goto("/settings/")

    order = tab_through(page, last="Sign out")

    assert order == ["Skip to content", "Rungs", "Dashboard", "Plans", "Credentials", "Ladder", "Reminders", "Teams", "Settings", "Sign out"]
