"""A person's account in the browser: sign up, sign out, change and reset the password."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from e2e.ui import PASSWORD, check_accessibility, expect_flash, fill_form, latest_email, sign_in, sign_out, sign_up

NEW_PASSWORD = "a much longer passphrase"


def test_sign_up_keeps_the_chosen_time_zone(page, live_server):
    person = sign_up(page, live_server.url, email="chicago@example.com", zone="America/Chicago")

    expect(page.get_by_role("heading", level=1)).to_have_text("Plan your path")
    person.goto("/settings/")
    expect(page.locator("#email")).to_contain_text("You sign in with chicago@example.com")
    expect(page.get_by_label("Time zone")).to_have_value("America/Chicago")
    check_accessibility(page)


def test_signing_out_ends_the_session(person):
    person.goto("/")
    sign_out(person)

    expect_flash(person.page, "You are signed out")
    person.goto("/plans/")
    expect(person.page).to_have_url(re.compile(r"/login"))
    expect(person.page.get_by_role("link", name="Create account")).to_be_visible()


def test_after_a_password_change_only_the_new_password_signs_in(person):
    page = person.goto("/settings/")
    password = page.locator("section", has=page.get_by_role("heading", name="Password"))
    fill_form(password, {"Current password": PASSWORD, "New password": NEW_PASSWORD})
    password.get_by_role("button", name="Change password").click()
    expect_flash(page, "Your password is changed")
    sign_out(person)

    sign_in(person, PASSWORD)
    expect(page.locator("main [role=alert]")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login"))
    check_accessibility(page)  # the form with its error

    sign_in(person, NEW_PASSWORD)
    expect(page).to_have_url(f"{person.base}/")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_password_reset_through_the_emailed_link(person, live_server):
    person.goto("/")
    sign_out(person)
    page = person.page
    page.get_by_role("link", name="Forgot your password?").click()
    check_accessibility(page)
    page.get_by_label("Email", exact=True).fill(person.email)
    page.get_by_role("button", name="Send the link").click()
    expect_flash(page, "we have sent it a link")

    message = latest_email(live_server.outbox, person.email)
    assert message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/reset/\S+", body).group(0)
    assert link.startswith(live_server.url), "the link points back to this server"

    page.goto(link)
    check_accessibility(page)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    expect_flash(page, "Sign in with the new one")

    sign_in(person, NEW_PASSWORD)
    expect(page).to_have_url(f"{person.base}/")
    sign_out(person)
    page.goto(link)
    expect_flash(page, "expired or was already used")  # a link works once


def test_signing_up_again_with_a_registered_email_looks_the_same_and_emails_a_way_back_in(person, live_server):
    person.goto("/")
    sign_out(person)
    page = person.goto("/register")
    page.get_by_label("Email", exact=True).fill(person.email)
    page.get_by_role("button", name="Email me the link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    expect(page.get_by_role("main")).to_contain_text(f"We sent a link to {person.email} to finish creating your account")
    message = latest_email(live_server.outbox, person.email)
    assert message["Subject"] == "You already have a Rungs account"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "/register/" not in body
    page.goto(re.search(r"https?://\S+/login", body).group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_changing_the_email_through_the_link_sent_to_the_new_address(person, live_server):
    page = person.goto("/settings/")
    section = page.locator("section#email")
    fill_form(section, {"New email": "moved@example.com", "Your password": PASSWORD})
    section.get_by_role("button", name="Send the link").click()
    expect_flash(page, "We sent a link to moved@example.com")
    expect(page.locator("#email")).to_contain_text(f"You sign in with {person.email}")  # not yet
    check_accessibility(page)

    notice = latest_email(live_server.outbox, person.email).get_body(preferencelist=("plain",)).get_content()
    assert "moved@example.com" in notice
    body = latest_email(live_server.outbox, "moved@example.com").get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/email-change/\S+", body).group(0)
    assert link.startswith(live_server.url)
    page.goto(link)
    check_accessibility(page)
    page.get_by_role("button", name="Use moved@example.com").click()
    expect_flash(page, "Your email is now moved@example.com")
    person.goto("/settings/")
    expect(page.locator("#email")).to_contain_text("You sign in with moved@example.com")
