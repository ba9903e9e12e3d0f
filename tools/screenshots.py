"""Screenshots of every page of Rungs at desktop (1280 px) and phone (390 px) width, into docs/.

    python tools/screenshots.py http://127.0.0.1:5000 docs/ [instance/outbox]

Signs up fresh accounts as people do (reading each emailed sign-up link from the server's outbox
folder, the third argument: the server must run without MAIL_SERVER) and fills every free-text
field with long text (a 120-character URL in a cost, long unbroken titles), so the pictures show
that nothing runs off the screen:

- a visitor: welcome, sign in, create account, check your inbox, finish sign-up, reset, not found;
- someone starting out: a CPC plan started 200 days ago whose exam was recorded as passed before
  the earlier steps were ticked off, a milestone of their own, costs, checklist and notes;
- a working coder holding CPC (May renewal) and CRC with CEUs logged: onboarding, dashboard,
  credentials and CEU pages, ladder, reminders and settings.

Each picture is ``<page>-desktop.png`` and ``<page>-phone.png``, the whole page up to
MAX_HEIGHT px tall (longer pages are cut there, to keep docs/ small). Uses Debian's Chromium
(never a downloaded browser) and Pillow (requirements-dev.txt) to shrink each PNG to a palette.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
import uuid
from email import policy
from email.parser import BytesParser
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
MAX_HEIGHT = 3200
COLOURS = 64  # a page's flat colours fit a small palette: a third of the size, no visible change
PASSWORD = "correct horse battery"

# Long text people really type or paste: a URL, a long unbroken word, long sentences.
URL = "https://www.example-coding-school.com/programs/medical-coding/cpc-exam-voucher?term=spring-2027&ref=rungs"
LONG_WORD = "Outpatient-facility-coding-and-auditing-bootcamp-with-practice-exams-and-code-book-tabbing-" * 2
LONG_TITLE = (LONG_WORD + "x" * 120)[:120]
LONG_SENTENCE = (
    "Shadow the hospital's outpatient coding team, review forty charts a week with a mentor, "
    "and keep a log of every question about modifiers and bundling to bring to the Thursday huddle "
)[:200]


def sign_up_link(outbox: Path, email: str, base: str) -> str:
    """The sign-up link in the newest email to ``email``, pointed at ``base``."""
    for path in sorted(outbox.glob("*.eml"), key=lambda f: (f.stat().st_mtime_ns, f.name), reverse=True):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if message["To"] == email:
            body = message.get_body(preferencelist=("plain",)).get_content()
            link = re.search(r"https?://\S+/register/\S+", body).group(0)
            return base + link[link.index("/register/"):]
    raise SystemExit(f"no sign-up email to {email} in {outbox}: is the server running without MAIL_SERVER?")


class Shooter:
    def __init__(self, out: Path):
        self.out = out
        self.names: list[str] = []

    def shoot(self, page: Page, name: str, reload: bool = True) -> None:
        """The page as it is now, at both widths (reloaded at each unless ``reload`` is False,
        for a page that shows a message once)."""
        page.wait_for_load_state()
        for size_name, size in SIZES.items():
            page.set_viewport_size(size)
            if reload:
                page.reload()
            height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
            self.save(page, self.out / f"{name}-{size_name}.png", {"x": 0, "y": 0, "width": size["width"], "height": height})
        page.set_viewport_size(SIZES["desktop"])
        self.names.append(name)


    @staticmethod
    def save(page: Page, path: Path, clip: dict) -> None:
        page.screenshot(path=path, full_page=True, clip=clip)
        Image.open(path).convert("RGB").quantize(colors=COLOURS, dither=Image.Dither.NONE).save(path, optimize=True)


def register(page: Page, base: str, outbox: Path, shots: Shooter | None = None) -> str:
    """Sign up a fresh account as a person does; ends on "Where are you in your coding career?"."""
    email = f"shot-{uuid.uuid4().hex[:8]}@example.com"
    page.goto(f"{base}/register")
    page.fill("#email", email)
    page.click("main button[type=submit]")
    if shots:
        shots.shoot(page, "sign-up-sent", reload=False)
    page.goto(sign_up_link(outbox, email, base))
    if shots:
        shots.shoot(page, "finish-sign-up")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    return email


def visitor(browser, base: str, shots: Shooter) -> None:
    page = browser.new_context(viewport=SIZES["desktop"]).new_page()
    for path, name in (("/", "welcome"), ("/login", "sign-in"), ("/register", "register"),
                       ("/reset", "reset-password"), ("/no-such-page", "not-found")):
        page.goto(base + path)
        shots.shoot(page, name)


def aspiring_coder(browser, base: str, outbox: Path, shots: Shooter) -> None:
    """Starting out, with long text everywhere a person can type."""
    page = browser.new_context(viewport=SIZES["desktop"]).new_page()
    register(page, base, outbox, shots)
    shots.shoot(page, "where-are-you")
    page.check("input[value=starting]")
    page.click("main button[type=submit]")
    shots.shoot(page, "new-plan")
    page.check("input[value=cpc]")
    page.fill("#start_date", (dt.date.today() - dt.timedelta(days=200)).isoformat())
    page.fill("#title", LONG_TITLE)
    page.click("main button[type=submit]")
    plan_url = page.url.split("#")[0]
    # The exam recorded as passed before the course was ticked off (issue 15's calm statuses).
    page.locator("ol.milestones > li").nth(2).locator("h3 a").click()
    exam_url = page.url.split("#")[0]
    exam = page.locator("#exam")
    exam.locator("input[type=date]").first.fill((dt.date.today() - dt.timedelta(days=2)).isoformat())
    exam.locator("input[value=passed]").check()
    exam.get_by_role("button", name="Record attempt").click()
    # A milestone of their own, with a long title and description.
    page.goto(plan_url + "/milestones/new")
    shots.shoot(page, "milestone-new")
    page.fill("#title", (LONG_SENTENCE + LONG_WORD)[:200])
    page.fill("#description", LONG_SENTENCE * 3)
    page.fill("#amount", "3")
    page.click("main button[type=submit]")
    # The step in progress: costs (a URL as the label), a long checklist item, long notes.
    page.goto(plan_url)
    page.locator("ol.milestones > li").nth(3).locator("h3 a").click()
    step_url = page.url.split("#")[0]
    costs = page.locator("#costs")
    costs.locator("#cost-label").fill(URL)
    costs.locator("#cost-amount").fill("1250")
    costs.get_by_role("button", name="Add cost").click()
    page.goto(step_url)
    costs.locator("#cost-label").fill(LONG_TITLE)
    costs.locator("#cost-amount").fill("89.5")
    costs.get_by_role("button", name="Add cost").click()
    page.goto(step_url)
    page.locator("#checklist input[name=label]").fill(LONG_SENTENCE)
    page.locator("#checklist").get_by_role("button", name="Add item").click()
    page.goto(step_url)
    page.fill("#milestone-notes", (LONG_SENTENCE + URL + " ") * 3)
    page.locator("#notes").get_by_role("button", name="Save notes").click()
    page.goto(plan_url)
    shots.shoot(page, "plan")
    page.goto(step_url)
    shots.shoot(page, "milestone")
    page.goto(exam_url)
    shots.shoot(page, "milestone-exam")
    # Deleting a cost: the toast with Undo.
    page.goto(step_url)
    page.locator("#costs").get_by_role("button", name=re.compile("^Delete")).last.click()
    shots.shoot(page, "cost-deleted-undo")
    page.locator(".toast").get_by_role("button", name="Undo").click()
    page.goto(base + "/")
    shots.shoot(page, "dashboard")
    for path, name in (("/plans/", "plans"), (plan_url + "/edit", "plan-edit"), (plan_url + "/delete", "plan-delete"),
                       ("/ladder/", "ladder"), ("/reminders/", "reminders"), ("/reminders/preferences", "reminder-preferences"),
                       ("/settings/tokens", "settings-tokens")):
        page.goto(path if path.startswith("http") else base + path)
        shots.shoot(page, name)
    # Settings right after turning the calendar feed on: its address is shown this once.
    page.goto(base + "/settings/")
    turn_on = page.get_by_role("button", name=re.compile("Turn on the calendar feed"))
    if turn_on.count():
        turn_on.first.click()
    shots.shoot(page, "settings", reload=False)


def working_coder(browser, base: str, outbox: Path, shots: Shooter) -> None:
    """Holding CPC (May renewal) and CRC, with a CEU whose title and provider are long."""
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
    shots.shoot(page, "onboarding-credentials")
    page.get_by_role("link", name=re.compile("Next")).click()
    shots.shoot(page, "onboarding-ladder")
    page.fill("#years", "3")
    page.get_by_role("button", name="Save and continue").click()
    page.goto(f"{base}/credentials/ceus/new")
    shots.shoot(page, "ceu-new")
    page.fill("#completed_on", (dt.date.today() - dt.timedelta(days=20)).isoformat())
    page.fill("#title", (LONG_WORD + LONG_SENTENCE)[:200])
    page.fill("#provider", URL)
    page.fill("#reference", "AAPC-" + "9" * 40)
    page.fill("#ceus", "1.5")
    page.get_by_role("button", name="Log activity").click()
    page.goto(f"{base}/")
    shots.shoot(page, "dashboard-working")
    page.goto(f"{base}/credentials/")
    shots.shoot(page, "credentials")
    page.goto(f"{base}/credentials/aapc/")
    shots.shoot(page, "credentials-aapc")
    page.locator("#ceus").get_by_role("link", name="Edit").first.click()
    shots.shoot(page, "ceu-edit")
    page.goto(f"{base}/credentials/new")
    shots.shoot(page, "credential-new")
    page.goto(f"{base}/credentials/")
    page.get_by_role("link", name="Edit").first.click()
    shots.shoot(page, "credential-edit")
    page.goto(f"{base}/credentials/")
    page.get_by_role("link", name="Delete").first.click()
    shots.shoot(page, "credential-delete")
    page.goto(f"{base}/credentials/aapc/setup")
    shots.shoot(page, "credentials-setup")
    page.goto(f"{base}/ladder/")
    shots.shoot(page, "ladder-compare")


def main(base: str, out: Path, outbox: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    shots = Shooter(out)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        visitor(browser, base, shots)
        aspiring_coder(browser, base, outbox, shots)
        working_coder(browser, base, outbox, shots)
        browser.close()
    print(f"{len(shots.names)} pages, {2 * len(shots.names)} screenshots in {out}")


if __name__ == "__main__":
    main(
        sys.argv[1].rstrip("/"),
        Path(sys.argv[2] if len(sys.argv) > 2 else "docs"),
        Path(sys.argv[3] if len(sys.argv) > 3 else "instance/outbox"),
    )
