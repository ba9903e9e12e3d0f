"""What a person does in Rungs, as browser steps, for the e2e tests (and the features that add flows).

Everything here acts through what a person sees: labels, button names, visible text. To add a
feature's flows, write tests/e2e/test_e2e_<feature>.py with the fixtures of conftest.py, e.g.
(the page, labels and button here are illustrative):

    def test_a_ceu_with_its_certificate_counts_toward_the_cycle(person, tmp_path):
        certificate = tmp_path / "webinar.pdf"
        certificate.write_bytes(b"%PDF-1.4 ...")
        page = person.goto("/credentials/")
        fill_form(page.locator("main form"), {"Title": "Webinar", "CEUs": "1.5", "Certificate": certificate})
        page.get_by_role("button", name="Add CEU").click()
        expect_flash(page, "saved")
        check_accessibility(page)

`person` is a signed-in new account (`live_server` is the app, `live_server.outbox` its mail
folder); call `check_accessibility(page)` on each new page a flow reaches, and add the feature's pages
to test_e2e_accessibility.py's walk.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

CHROMIUM = "/usr/bin/chromium"
AXE_SCRIPT = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}
# axe-core impacts that fail a test; "minor" and "moderate" findings are left to review.
BLOCKING_IMPACTS = ("serious", "critical")


@dataclass
class Person:
    """Someone using Rungs in a browser tab: where the app is and how they sign in."""

    page: Page
    base: str
    email: str
    password: str
    zone: str

    def goto(self, path: str) -> Page:
        self.page.goto(self.base + path)
        return self.page

    def today(self) -> dt.date:
        """Today where this person is (the app's "today" for them), from the real clock."""
        return dt.datetime.now(ZoneInfo(self.zone)).date()


# -- accounts -------------------------------------------------------------------------------------

# Where each live server's app writes its mail (the live_server fixture fills this in), so that
# sign-up can open the emailed link knowing only the server's address.
OUTBOXES: dict[str, Path] = {}


STARTING_OUT, ALREADY_CERTIFIED, BOTH = "Starting out", "Already certified", "Both"


def sign_up(
    page: Page, base: str, *, email: str, password: str = PASSWORD, zone: str = "America/New_York",
    stage: str = STARTING_OUT,
) -> Person:
    """Create an account as a person does: enter the email, open the link Rungs emails, choose the
    password and time zone, then say where you are in your career (``stage``). Ends signed in, on
    the new-plan page (starting out) or the first onboarding step for a certified coder (adding
    credentials)."""
    page.goto(f"{base}/register")
    fill_form(page, {"Email": email})
    page.get_by_role("button", name="Email me the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    page.goto(sign_up_link(base, email))
    fill_form(page, {"Password": password, "Time zone": zone})
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(f"{base}/start/")
    choose_stage(page, stage)
    expect(page).to_have_url(f"{base}/plans/new" if stage == STARTING_OUT else f"{base}/start/credentials")
    return Person(page, base, email, password, zone)


def choose_stage(page: Page, stage: str) -> None:
    """Answer "Where are you in your coding career?" (onboarding, the empty dashboard, Settings)."""
    page.get_by_role("radio", name=re.compile("^" + re.escape(stage))).check()
    page.get_by_role("button", name="Continue").click()


def sign_up_link(base: str, email: str) -> str:
    """The finish-your-sign-up link in the newest email to ``email`` from the app at ``base``."""
    body = latest_email(OUTBOXES[base], email).get_body(preferencelist=("plain",)).get_content()
    found = re.search(r"https?://\S+/register/\S+", body)
    assert found, f"the newest email to {email} has no sign-up link:\n{body}"
    return found.group(0)


def signed_up_person(page: Page, base: str, *, email: str, password: str = PASSWORD, zone: str = "America/New_York") -> Person:
    """An account made by posting the two sign-up forms over HTTP (the email, then the emailed
    link's password and time zone), with their CSRF tokens, from the page's own cookie jar: the tab
    is then signed in. Quicker than `sign_up` (no page is drawn); for tests whose subject comes
    after registration.
    """
    def post(url: str, fields: dict[str, str]):
        form = page.request.get(url)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.text()).group(1)
        answer = page.request.post(url, form={"csrf_token": token, **fields}, max_redirects=0)
        assert answer.status == 302, f"{url} answered {answer.status}: {answer.text()[:500]}"
        return answer

    post(f"{base}/register", {"email": email})
    post(sign_up_link(base, email), {"password": password, "time_zone": zone})
    return Person(page, base, email, password, zone)


def sign_in(person: Person, password: str | None = None) -> None:
    page = person.goto("/login")
    page.get_by_label("Email", exact=True).fill(person.email)
    page.get_by_label("Password", exact=True).fill(password or person.password)
    page.locator("main").get_by_role("button", name="Sign in").click()


def sign_out(person: Person) -> None:
    person.page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    expect_flash(person.page, "You are signed out")


def fill_form(scope, values: dict[str, object]) -> None:
    """Fill fields by their visible label: text is typed, a select picks the option with that value
    or label, a checkbox or radio is set to the truth of the value, a file input gets the path.
    ``scope`` is a page or a locator (e.g. one form of several on the page).
    """
    for label, value in values.items():
        field = scope.get_by_label(label, exact=True)
        kind = field.evaluate("(el) => el.tagName === 'SELECT' ? 'select' : (el.type || el.tagName).toLowerCase()")
        if kind == "select":
            options = field.evaluate("(el) => [...el.options].map((o) => o.value)")
            if str(value) in options:
                field.select_option(str(value))
            else:
                field.select_option(label=str(value))
        elif kind in ("checkbox", "radio"):
            field.set_checked(bool(value))
        elif kind == "file":
            field.set_input_files(value)
        else:
            field.fill(value.isoformat() if isinstance(value, dt.date) else str(value))


def expect_flash(page: Page, text: str) -> None:
    """The page (the next one, after a form was sent) shows ``text`` in its messages at the top.

    Waits for it: right after a click, the old page may still be showing.
    """
    expect(page.locator(".flashes")).to_contain_text(text)


def latest_email(outbox: Path, to: str):
    """The newest message the app wrote to its file outbox for ``to`` (an EmailMessage)."""
    files = sorted(outbox.glob("*.eml"), key=lambda path: (path.stat().st_mtime_ns, path.name))
    messages = [BytesParser(policy=policy.default).parsebytes(path.read_bytes()) for path in files]
    mine = [m for m in messages if to in m["To"]]
    assert mine, f"no email to {to} in {outbox} (found {len(messages)})"
    return mine[-1]


# -- plans ----------------------------------------------------------------------------------------

def create_plan(person: Person, track: str, start: dt.date, pace: str = "Full time") -> str:
    """Make a plan from the new-plan form; returns the plan page's URL."""
    page = person.goto("/plans/new")
    page.get_by_role("radio", name=re.compile(re.escape(track))).check()
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_role("radio", name=pace, exact=True).check()
    page.get_by_role("button", name="Create my plan").click()
    expect(page).to_have_url(re.compile(r"/plans/\d+$"))
    return page.url


def parse_day(text: str) -> dt.date:
    """A date as the app shows it: 'Jan 4, 2027', or 'Dec 8' in the current year."""
    text = text.strip()
    if "," not in text:
        text = f"{text}, {dt.date.today().year}"
    return dt.datetime.strptime(text, "%b %d, %Y").date()


@dataclass
class Step:
    """One milestone as the plan page shows it."""

    title: str
    target: tuple[dt.date, dt.date]
    projected: tuple[dt.date, dt.date] | None  # None once done
    done_on: dt.date | None
    badges: str


def plan_steps(page: Page) -> list[Step]:
    """Read the plan page's list of steps: titles, target and projected dates, status badges."""
    steps = []
    # .all() does not wait: right after a click that leads here, it could read the page before.
    page.locator("ol.milestones > li").first.wait_for()
    for item in page.locator("ol.milestones > li").all():
        dates = dict(zip(item.locator("dl.dates dt").all_inner_texts(), item.locator("dl.dates dd").all_inner_texts()))

        def span(text: str) -> tuple[dt.date, dt.date]:
            start, end = text.split("→")
            return parse_day(start), parse_day(end)

        done = dates.get("Done")
        steps.append(
            Step(
                title=re.sub(r"^\d+\.\s*", "", item.locator("h3").inner_text().strip()),
                target=span(dates["Target"]),
                projected=span(dates["Projected"]) if "Projected" in dates else None,
                done_on=parse_day(done.split("(")[0]) if done else None,
                badges=" ".join(item.locator(".milestone-head .badge").all_inner_texts()),
            )
        )
    return steps


def step_item(page: Page, number: int):
    """The plan page's list item of step ``number`` (1-based)."""
    return page.locator("ol.milestones > li").nth(number - 1)


def timeline_bars(page: Page) -> list[tuple[float, float]]:
    """Per row of the plan's timeline: where its target outline and its projected bar begin (% of width)."""
    rows = page.locator("figure.timeline svg a").all()
    return [
        (float(row.locator("rect.target").get_attribute("x").rstrip("%")),
         float(row.locator("rect.proj").get_attribute("x").rstrip("%")))
        for row in rows
    ]


def plan_status(page: Page) -> str:
    return page.locator(".summary .badge.big").inner_text().strip()


# -- checks every page can take -------------------------------------------------------------------

def check_accessibility(page: Page) -> None:
    """Run axe-core on the page as it is now; fail on any serious or critical violation.

    The message lists each rule, why it matters and the elements that break it.
    """
    problems = accessibility_problems(page)
    assert not problems, f"accessibility violations on {page.url}:\n" + "\n".join(problems)


def accessibility_problems(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it is now, one line per rule and element.

    axe-core is put into the page through the DevTools protocol (page.evaluate), which the page's
    Content-Security-Policy does not block, unlike a <script> tag (page.add_script_tag); and only
    into the pages checked, since loading it costs about 0.15 s.
    """
    if not page.evaluate("() => Boolean(window.axe)"):
        page.evaluate(_axe_source())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    blocking = [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]
    lines = []
    for violation in blocking:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary'].splitlines()[-1].strip()}")
    # axe-core 4.7 retired its duplicate-id rules, but a label whose `for` names an id that two
    # fields share labels only the first: the second field has no name.
    for label_id in page.evaluate(
        """() => [...document.querySelectorAll("label[for]")]
                .map((label) => label.htmlFor)
                .filter((id) => document.querySelectorAll(`[id="${CSS.escape(id)}"]`).length > 1)"""
    ):
        lines.append(f"[serious] label-for-duplicate-id: the label for #{label_id} names an id used more than once")
    return lines


@functools.cache
def _axe_source() -> str:
    return AXE_SCRIPT.read_text(encoding="utf-8")


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing overflows)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
