"""Take screenshots of Rungs' main pages at desktop and phone width, as a new user sees them.

    python tools/screenshots.py http://127.0.0.1:5000 screenshots/ [instance/outbox]

Registers a fresh account (reading the emailed sign-up link from the server's outbox folder, the
third argument: the server must run without MAIL_SERVER), answers "starting out", creates a CPC
plan starting 2027-01-04 full time, marks step 2 done three weeks late, then captures the pages.
A second account answers "already certified", adds CPC (May renewal) and CRC and three years of
experience, and captures the onboarding steps and its dashboard. Uses Debian's Chromium (never a
downloaded browser).
"""
from __future__ import annotations

import datetime as dt
import re
import sys
import uuid
from email import policy
from email.parser import BytesParser
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def sign_up_link(outbox: Path, email: str) -> str:
    """The sign-up link in the newest email to ``email`` in the server's outbox folder."""
    for path in sorted(outbox.glob("*.eml"), key=lambda f: (f.stat().st_mtime_ns, f.name), reverse=True):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if message["To"] == email:
            body = message.get_body(preferencelist=("plain",)).get_content()
            return re.search(r"https?://\S+/register/\S+", body).group(0)
    raise SystemExit(f"no sign-up email to {email} in {outbox}: is the server running without MAIL_SERVER?")


def register(page, base: str, outbox: Path) -> None:
    """Sign up a fresh account as a person does; ends on "Where are you in your coding career?"."""
    email = f"shot-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(f"{base}/register")
    page.fill("#email", email)
    page.click("main button[type=submit]")
    page.goto(sign_up_link(outbox, email))
    page.fill("#password", "correct horse battery")
    page.click("main button[type=submit]")


def shoot(page, out: Path, name: str) -> None:
    """The page as it is now, at desktop and phone width (reloaded at each)."""
    page.wait_for_load_state()  # the form just sent has landed on its next page
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        page.reload()
        page.screenshot(path=out / f"{name}-{size_name}.png", full_page=True)
    page.set_viewport_size(SIZES["desktop"])


def working_coder(browser, base: str, out: Path, outbox: Path) -> None:
    """A coder holding CPC (May renewal) and CRC: onboarding, then a dashboard that leads with renewals."""
    page = browser.new_context(viewport=SIZES["desktop"]).new_page()
    register(page, base, outbox)
    page.check("input[value=certified]")
    page.click("main button[type=submit]")
    page.select_option("#code", "CPC")
    page.fill("#earned_on", "2023-05-15")
    page.select_option("#renewal_month", "5")
    page.get_by_role("button", name="Add credential").click()
    page.select_option("#code", "CRC")
    page.fill("#earned_on", "2024-09-20")
    page.get_by_role("button", name="Add credential").click()
    shoot(page, out, "onboarding-credentials")
    page.get_by_role("link", name="Next: where you are on the ladder").click()
    shoot(page, out, "onboarding-ladder")
    page.fill("#years", "3")
    page.get_by_role("button", name="Save and continue").click()
    page.goto(f"{base}/")
    shoot(page, out, "dashboard-working")


def aspiring_coder(browser, base: str, out: Path, outbox: Path) -> None:
    """Someone starting out: the empty dashboard's question, then a CPC plan whose exam is passed
    (CPC-A on the dashboard), and undoing that step (the offer to remove CPC-A)."""
    page = browser.new_context(viewport=SIZES["desktop"]).new_page()
    register(page, base, outbox)
    page.goto(f"{base}/")
    shoot(page, out, "dashboard-empty")
    page.check("input[value=starting]")
    page.click("main button[type=submit]")
    page.check("input[value=cpc]")
    page.fill("#start_date", (dt.date.today() - dt.timedelta(days=200)).isoformat())
    page.click("main button[type=submit]")
    page.locator("ol.milestones > li").nth(2).locator("h3 a").click()
    exam = page.locator("#exam")
    exam.locator("input[type=date]").first.fill((dt.date.today() - dt.timedelta(days=2)).isoformat())
    exam.locator("input[value=passed]").check()
    exam.get_by_role("button", name="Record attempt").click()
    for size_name, size in SIZES.items():  # the flash shows once: no reload
        page.set_viewport_size(size)
        page.screenshot(path=out / f"exam-passed-{size_name}.png", full_page=True)
    page.set_viewport_size(SIZES["desktop"])
    step = page.url.split("#")[0]
    page.goto(f"{base}/")
    shoot(page, out, "dashboard-passed")
    page.goto(step)
    page.get_by_role("button", name="Undo done").click()
    shoot(page, out, "remove-credential")


def main(base: str, out: Path, outbox: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    email = f"shot-{uuid.uuid4().hex[:8]}@example.com"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport=SIZES["desktop"])
        page = context.new_page()
        page.goto(f"{base}/")
        page.screenshot(path=out / "welcome-desktop.png", full_page=True)
        for name, size in SIZES.items():
            page.set_viewport_size(size)
            page.goto(f"{base}/register")
            page.screenshot(path=out / f"register-{name}.png", full_page=True)
            page.fill("#email", email)
            page.click("main button[type=submit]")
            page.screenshot(path=out / f"sign-up-sent-{name}.png", full_page=True)
        page.goto(sign_up_link(outbox, email))
        for name, size in SIZES.items():
            page.set_viewport_size(size)
            page.reload()
            page.screenshot(path=out / f"finish-sign-up-{name}.png", full_page=True)
        page.set_viewport_size(SIZES["desktop"])
        page.fill("#password", "correct horse battery")
        page.click("main button[type=submit]")
        shoot(page, out, "where-are-you")
        page.check("input[value=starting]")
        page.click("main button[type=submit]")
        page.screenshot(path=out / "new-plan-desktop.png", full_page=True)
        page.check("input[value=cpc]")
        page.fill("#start_date", "2027-01-04")
        page.click("main button[type=submit]")
        plan_url = page.url
        # Step 2 done three weeks after its target due date.
        step2 = page.locator("ol.milestones > li").nth(1)
        text = " ".join(step2.inner_text().split())
        target_due = re.search(r"Target \w{3} \d{1,2}, \d{4} → (\w{3} \d{1,2}, \d{4})", text).group(1)
        due = dt.datetime.strptime(target_due, "%b %d, %Y").date() + dt.timedelta(days=21)
        step2.locator("input[type=date]").fill(due.isoformat())
        step2.locator("button[value=done]").click()
        for name, size in SIZES.items():
            page.set_viewport_size(size)
            page.goto(plan_url)
            page.screenshot(path=out / f"plan-{name}.png", full_page=True)
            page.goto(f"{base}/")
            page.screenshot(path=out / f"dashboard-{name}.png", full_page=True)
            page.goto(plan_url)
            page.locator("ol.milestones > li").nth(2).locator("h3 a").click()
            page.screenshot(path=out / f"milestone-{name}.png", full_page=True)
            # Settings right after turning the calendar feed on (its address is shown this once).
            page.goto(f"{base}/settings/")
            page.get_by_role("button", name=re.compile("Turn on the calendar feed|Rotate address")).click()
            page.screenshot(path=out / f"settings-{name}.png", full_page=True)
        working_coder(browser, base, out, outbox)
        aspiring_coder(browser, base, out, outbox)
        browser.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(
        sys.argv[1].rstrip("/"),
        Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots"),
        Path(sys.argv[3] if len(sys.argv) > 3 else "instance/outbox"),
    )
