"""Take screenshots of Rungs' main pages at desktop and phone width, as a new user sees them.

    python tools/screenshots.py http://127.0.0.1:5000 screenshots/ [instance/outbox]

Registers a fresh account (reading the emailed sign-up link from the server's outbox folder, the
third argument: the server must run without MAIL_SERVER), creates a CPC plan starting 2027-01-04 full time, marks step 2 done
three weeks late, then captures the pages. Uses Debian's Chromium (never a downloaded browser).
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
        browser.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main(
        sys.argv[1].rstrip("/"),
        Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots"),
        Path(sys.argv[3] if len(sys.argv) > 3 else "instance/outbox"),
    )
