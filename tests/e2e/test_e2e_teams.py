"""Teams in a real browser, as new users would try them: a supervisor creates a team and invites
three coders; two accept (one shares CEU details, one does not), one ignores it; the overview shows
exactly what each shared, the at-risk member first; the one who leaves disappears at once."""
from __future__ import annotations

import datetime as dt
import os
import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import User
from tracker.services import credentials as credential_service

from e2e.ui import PHONE, check_accessibility, expect_flash, fill_form, horizontal_overflow, signed_up_person

DESKTOP = {"width": 1280, "height": 900}
# TEAMS_SCREENSHOTS=/some/folder keeps a full-page picture of each team page (for a look by eye).
SHOTS = os.environ.get("TEAMS_SCREENSHOTS")


def _look(page, name: str) -> None:
    check_accessibility(page)
    assert horizontal_overflow(page) <= 0, (page.url, horizontal_overflow(page))
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"]
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def _coder(chromium, live_server, email: str):
    context = chromium.new_context(viewport=DESKTOP, locale="en-US")
    return context, signed_up_person(context.new_page(), live_server.url, email=email)


def _credentials(app, email: str, today: dt.date, *, code: str, **setup) -> None:
    with app.app_context():
        user = db.session.execute(select(User).where(User.email == email)).scalar_one()
        credential_service.add_credential(user, code, today - dt.timedelta(days=700), today, **setup)
        if code == "CPC":
            credential_service.add_activity(user, credential_service.ActivityInput(
                completed_on=today - dt.timedelta(days=20), title="Audit webinar", provider="AAPC",
                reference="", ceus="2", counts_toward="aapc"), today)


def _invitation_link(outbox: Path, email: str) -> str:
    """The link in the newest invitation emailed to ``email`` (a sign-up email came after it)."""
    links = []
    for path in sorted(outbox.glob("*.eml"), key=lambda p: (p.stat().st_mtime_ns, p.name)):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        found = re.search(r"https?://\S+/teams/join/\S+", message.get_body(preferencelist=("plain",)).get_content())
        if email in message["To"] and found:
            links.append(found.group(0))
    assert links, f"no invitation to {email}"
    return links[-1]


def _accept(page, live_server, email: str, share_ceus: bool) -> None:
    page.goto(_invitation_link(live_server.outbox, email))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Join")
    _look(page, "accept")
    fill_form(page.locator("main form").first, {"CEU details and certificates": share_ceus})
    page.get_by_role("button", name="Join the team").click()
    expect_flash(page, "You joined")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_a_supervisor_sees_what_each_coder_shares_riskiest_first(person, page, chromium, live_server, viewport):
    page.set_viewport_size(viewport)
    today = person.today()
    page = person.goto("/teams/")
    _look(page, "index")
    page.get_by_role("button", name="Create team").click()  # no name: the error, said accessibly
    expect(page.get_by_role("alert")).to_be_visible()
    _look(page, "index-error")
    fill_form(page, {"Team name": "Outpatient coding"})
    page.get_by_role("button", name="Create team").click()
    expect_flash(page, "created")
    team_url = page.url
    fill_form(page, {"Coder's email": "not an address"})
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator("#email-error")).to_contain_text("valid email")
    _look(page, "overview-error")
    for email in ("ana@example.com", "ben@example.com", "cal@example.com"):
        fill_form(page, {"Coder's email": email})
        page.get_by_role("button", name="Send invitation").click()
        expect_flash(page, f"Invitation sent to {email}")
    expect(page.locator("main")).to_contain_text("Waiting for an answer")

    # Ana shares CEU details; Ben does not, and his cycle ends in 40 days with all CEUs still needed.
    ana_context, ana = _coder(chromium, live_server, "ana@example.com")
    ben_context, ben = _coder(chromium, live_server, "ben@example.com")
    try:
        ana.page.set_viewport_size(viewport)
        _credentials(live_server.app, "ana@example.com", today, code="CPC", renewal_month=5)
        _credentials(live_server.app, "ben@example.com", today, code="RHIT", cycle_end=today + dt.timedelta(days=40))
        _accept(ana.page, live_server, "ana@example.com", share_ceus=True)
        _accept(ben.page, live_server, "ben@example.com", share_ceus=False)

        page.goto(team_url)
        _look(page, "overview")
        rows = page.locator("tr.team-row")
        members = [rows.nth(i).get_attribute("data-member") for i in range(rows.count())]
        assert members.index("ben@example.com") < members.index("ana@example.com"), members
        assert "cal@example.com" not in members  # ignored the invitation: nothing of theirs shows
        ben_row = page.locator('tr[data-member="ben@example.com"]')
        expect(ben_row).to_contain_text("RHIT")
        expect(ben_row).to_contain_text("At risk")
        expect(ben_row).to_contain_text("Not shared")
        ana_row = page.locator('tr[data-member="ana@example.com"]')
        expect(ana_row).to_contain_text("CPC")
        expect(ana_row).not_to_contain_text("Not shared")

        page.locator('tr[data-member="ana@example.com"]').get_by_role("link", name="ana@example.com").click()
        expect(page.locator("main")).to_contain_text("Audit webinar")
        _look(page, "member")
        page.goto(team_url)
        page.get_by_role("link", name="ben@example.com").first.click()
        expect(page.locator("#ceus-heading + p")).to_have_text("Not shared.")
        expect(page.locator("main")).not_to_contain_text("webinar")

        page.goto(team_url)
        page.get_by_role("link", name="Printable summary").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("renewal summary")
        _look(page, "summary")
        page.emulate_media(media="print")  # printed: the table alone, without the site's menu
        expect(page.locator("header.site")).to_be_hidden()
        expect(page.locator("tr.team-row")).to_have_count(3)
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/summary-print-{viewport['width']}.png", full_page=True)
        page.emulate_media(media="screen")

        # Ben leaves: gone from the very next page.
        ben.goto(team_url.removeprefix(live_server.url))
        _look(ben.page, "member-page")
        ben.page.get_by_role("button", name="Leave the team").click()
        expect_flash(ben.page, "You left")
        page.goto(team_url)
        expect(page.locator('tr[data-member="ana@example.com"]')).to_have_count(1)
        expect(page.locator('tr[data-member="ben@example.com"]')).to_have_count(0)
        expect(page.locator("main")).not_to_contain_text("ben@example.com")
    finally:
        ana_context.close()
        ben_context.close()
