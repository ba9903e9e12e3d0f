"""The iCalendar feed: a secret, revocable address that a calendar app subscribes to, with the
plan's dates (as the plan page projects them), CEU cycle ends, dues and code-set updates."""
from __future__ import annotations

import pytest

import datetime as dt
import io
import logging
import re
from urllib.parse import quote

from icalendar import Calendar
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import CalendarFeed, Milestone, Plan
from tracker.services.secrets import digest

import builders
from support import Browser, create_plan, rest_of_output, text_of

FEED_URL = re.compile(r'id="feed-url"[^>]*>(http://127.0.0.1:5000/calendar/(rungs_cal_[A-Za-z0-9_-]+)\.ics)</textarea>')


def turn_on_feed(browser: Browser) -> tuple[str, str]:
    """Turn the feed on (or rotate it) from Settings; returns the path and token shown once."""
    response = browser.post("/settings/calendar-feed", {"action": "on"})
    assert response.status_code == 302
    page = browser.get("/settings/calendar")
    found = FEED_URL.search(page.text)
    assert found, text_of(page)
    assert page.headers["Cache-Control"] == "no-store"
    return found.group(1).removeprefix("http://127.0.0.1:5000"), found.group(2)


def parse(response) -> Calendar:
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def plan_with_step_two_three_weeks_late(app, browser) -> tuple[int, list]:
    from tracker.services.plans import plan_view

    plan_id = create_plan(browser)
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        step2 = plan.milestones[1]
        late = plan_view(plan, dt.date(2026, 11, 23)).schedule.steps[1].target_due + dt.timedelta(days=21)
        # Through the service: the plan page refuses a completion on a day still to come.
        from tracker.services.plans import mark_done

        mark_done(step2, late, dt.date(2026, 11, 23))
    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        view = plan_view(plan, dt.date(2026, 11, 23))
        return plan_id, [(m.milestone.id, m.milestone.title, m.schedule) for m in view.milestones]


def test_feed_parses_back_with_the_plans_projected_dates_and_stable_uids(app, user_browser):
    plan_id, steps = plan_with_step_two_three_weeks_late(app, user_browser)
    path, token = turn_on_feed(user_browser)
    assert len(token) >= len("rungs_cal_") + 43  # 256 bits

    anonymous = app.test_client()  # a calendar app: no cookies, only the address
    calendar = parse(anonymous.get(path))
    assert calendar["VERSION"] == "2.0"
    assert "Rungs" in str(calendar["PRODID"])
    assert str(calendar["X-WR-CALNAME"]) == "Rungs"
    assert str(calendar["X-WR-TIMEZONE"]) == "America/New_York"
    assert calendar["REFRESH-INTERVAL"].dt == dt.timedelta(hours=12)
    assert b"X-PUBLISHED-TTL:PT12H" in anonymous.get(path).data
    found = events(calendar)
    for milestone_id, title, schedule in steps:
        event = found[f"milestone-{milestone_id}@rungs"]
        assert event["DTSTART"].dt == schedule.projected_due
        assert event["DTEND"].dt == schedule.projected_due + dt.timedelta(days=1)
        assert title in str(event["SUMMARY"])
        assert event["DTSTAMP"].dt.tzinfo is not None
    # Step 2 finished 21 days late, so steps 3 to 6 are 21 days after their targets.
    assert [s.projected_due - s.target_due for _id, _title, s in steps[2:]] == [dt.timedelta(days=21)] * 4
    assert "Behind by 21 days" in str(found[f"milestone-{steps[2][0]}@rungs"]["DESCRIPTION"])
    assert str(found[f"milestone-{steps[1][0]}@rungs"]["SUMMARY"]).startswith("Done:")
    # Code-set updates for the year ahead.
    assert "code-set-cpt-annual-2027-01-01@rungs" in found

    # The same subject keeps its UID when its date moves: calendar apps update the event.
    step3 = steps[2][0]
    assert user_browser.post(f"/plans/{plan_id}/milestones/{step3}/duration", {"amount": "1", "unit": "days"}).status_code == 302
    moved = events(parse(anonymous.get(path)))
    assert f"milestone-{step3}@rungs" in moved
    assert moved[f"milestone-{step3}@rungs"]["DTSTART"].dt != found[f"milestone-{step3}@rungs"]["DTSTART"].dt
    assert set(moved) == set(found)


def test_feed_lists_ceu_cycle_end_and_membership_dues(app, user_browser):
    assert user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2024-01-10", "renewal_month": "5"}).status_code == 302
    path, _token = turn_on_feed(user_browser)
    found = events(parse(app.test_client().get(path)))
    cycle = found["ceu-cycle-aapc-2027-05-31@rungs"]
    assert cycle["DTSTART"].dt == dt.date(2027, 5, 31)
    assert str(cycle["SUMMARY"]) == "AAPC CEU cycle ends: 36 CEUs still needed"
    dues = [uid for uid in found if uid.startswith("duty-aapc-")]
    assert dues, sorted(found)


def test_rotating_the_token_kills_the_old_address(app, user_browser):
    create_plan(user_browser)
    old_path, old_token = turn_on_feed(user_browser)
    client = app.test_client()
    assert client.get(old_path).status_code == 200

    response = user_browser.post("/settings/calendar-feed", {"action": "rotate"})
    assert response.status_code == 302
    page = user_browser.get("/settings/calendar")
    new_path, new_token = FEED_URL.search(page.text).group(1).removeprefix("http://127.0.0.1:5000"), FEED_URL.search(page.text).group(2)
    assert new_token != old_token
    assert client.get(old_path).status_code == 404
    assert client.get(new_path).status_code == 200
    with app.app_context():
        row = db.session.execute(select(CalendarFeed)).scalar_one()
        assert row.token_hash == digest(new_token)  # only the hash is kept
        assert new_token not in row.token_hash


def test_the_address_is_shown_once_then_only_rotation_gives_a_new_one(user_browser):
    turn_on_feed(user_browser)
    again = user_browser.get("/settings/calendar")
    assert FEED_URL.search(again.text) is None
    assert "Rotate address" in again.text
    assert "Cache-Control" not in again.headers or again.headers["Cache-Control"] != "no-store"


def test_turning_the_feed_off_answers_404(app, user_browser):
    path, _token = turn_on_feed(user_browser)
    assert user_browser.post("/settings/calendar-feed", {"action": "off"}).status_code == 302
    assert app.test_client().get(path).status_code == 404
    with app.app_context():
        assert db.session.execute(select(CalendarFeed)).first() is None


def test_unknown_malformed_and_other_users_tokens_answer_404(app, clock):
    owner = Browser(app.test_client())
    builders.signed_in(owner, email="owner@example.com")
    create_plan(owner)
    path, token = turn_on_feed(owner)
    client = app.test_client()
    for bad in ("x", "rungs_cal_", token[:-1], token + "A", token.upper(), "rungs_cal_" + "A" * 200, "../settings"):
        assert client.get(f"/calendar/{bad}.ics").status_code == 404, bad
    assert client.post(path).status_code == 405


def test_each_feed_holds_only_its_owners_data(app, clock):
    owner, other = Browser(app.test_client()), Browser(app.test_client())
    builders.signed_in(owner, email="owner@example.com")
    builders.signed_in(other, email="other@example.com")
    create_plan(owner)
    other_plan = create_plan(other, start="2027-03-01")
    owner_path, _ = turn_on_feed(owner)
    other_path, _ = turn_on_feed(other)
    with app.app_context():
        owner_ids = {m.id for m in db.session.execute(select(Milestone).join(Plan).where(Plan.id != other_plan)).scalars()}
        other_ids = {m.id for m in db.session.execute(select(Milestone).where(Milestone.plan_id == other_plan)).scalars()}
    owner_uids = {uid for uid in events(parse(app.test_client().get(owner_path))) if uid.startswith("milestone-")}
    other_uids = {uid for uid in events(parse(app.test_client().get(other_path))) if uid.startswith("milestone-")}
    assert owner_uids == {f"milestone-{i}@rungs" for i in owner_ids}
    assert other_uids == {f"milestone-{i}@rungs" for i in other_ids}


def test_one_off_download_needs_sign_in_and_is_an_attachment(app, user_browser):
    create_plan(user_browser)
    response = user_browser.get("/settings/calendar.ics")
    calendar = parse(response)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert any(uid.startswith("milestone-") for uid in events(calendar))
    assert app.test_client().get("/settings/calendar.ics").status_code == 302  # to sign-in


def test_feed_actions_need_csrf_and_a_known_action(app, user_browser):
    assert user_browser.post("/settings/calendar-feed", {"action": "on"}, csrf=False).status_code == 400
    assert user_browser.post("/settings/calendar-feed", {"action": "explode"}).status_code == 400
    with app.app_context():
        assert db.session.execute(select(CalendarFeed)).first() is None


def test_request_log_never_holds_the_feed_token(app, user_browser, caplog):
    create_plan(user_browser)
    path, token = turn_on_feed(user_browser)
    with caplog.at_level(logging.INFO, logger="tracker.requests"):
        app.test_client().get(path)
        app.test_client().get(path.replace("rungs_cal_", "rungs_cal_x"))
    records = [r for r in caplog.records if r.name == "tracker.requests"]
    assert len(records) == 2
    for record in records:
        assert token not in record.getMessage()
        assert token[10:] not in str(record.fields)
        assert record.fields["path"] == "/calendar/<redacted>.ics"


def test_redacting_filter_cleans_werkzeug_lines_and_errors():
    from tracker.logs import RedactingFilter

    token = "rungs_cal_" + "Ab1_-" * 9
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s', ("127.0.0.1", f"GET /calendar/{token}.ics HTTP/1.1", 200), None)
    RedactingFilter().filter(record)
    assert token not in record.getMessage()
    assert "/calendar/<redacted>.ics" in record.getMessage()
    error = logging.LogRecord("tracker", logging.ERROR, __file__, 1, "Exception on %s [GET]", (f"/calendar/{token}.ics",), None)
    RedactingFilter().filter(error)
    assert token not in error.getMessage()


@pytest.mark.slow
def test_gunicorn_access_log_never_holds_the_feed_token(tmp_path, migrated_template):
    import os
    import signal
    import subprocess
    import sys
    import urllib.error
    import urllib.request
    from pathlib import Path

    from smtp_server import free_port

    root = Path(__file__).resolve().parent.parent
    database = tmp_path / "web.sqlite3"
    database.write_bytes(Path(migrated_template).read_bytes())
    port = free_port()
    env = {**os.environ, "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{database}",
           "SECRET_KEY": "gunicorn-test", "PORT": str(port), "WEB_CONCURRENCY": "1", "RUNGS_ENV": "production"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py"], cwd=root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    token = "rungs_cal_" + "Zz9_-" * 9
    lines = []
    try:
        for line in process.stdout:
            lines.append(line)
            if "Listening at" in line:
                break
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/calendar/{token}.ics?x=1", timeout=20)
        except urllib.error.HTTPError as error:
            assert error.code == 404
    finally:
        process.send_signal(signal.SIGTERM)
        rest = rest_of_output(process, 30)
    output = "".join(lines) + rest
    assert "/calendar/<redacted>.ics" in output, output
    assert token not in output and "Zz9_-Zz9" not in output, output


def test_feed_is_valid_for_a_brand_new_account(app, user_browser):
    path, _token = turn_on_feed(user_browser)
    calendar = parse(app.test_client().get(path))
    # Only code-set updates; still a valid calendar with its required properties.
    assert all(str(uid).startswith("code-set-") for uid in events(calendar))
    text = app.test_client().get(path).data.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert io.StringIO(text).read().count("BEGIN:VEVENT") == text.count("END:VEVENT")


# -- the feed page: subscribe links, what it carries, alarms, links back ------------------------------

def log_ceus(browser: Browser, ceus: str, day: str = "2026-01-10") -> None:
    data = {"completed_on": day, "title": "E/M coding update", "provider": "AAPC", "reference": "",
            "ceus": ceus, "counts_toward": "aapc"}
    assert browser.post("/credentials/ceus/new", data, content_type="multipart/form-data").status_code == 302


def test_the_address_comes_with_copy_webcal_google_and_outlook_links(app, user_browser):
    turn_on_feed_response = user_browser.post("/settings/calendar-feed", {"action": "on"})
    assert turn_on_feed_response.headers["Location"].endswith("/settings/calendar")
    page = user_browser.get("/settings/calendar")
    url = FEED_URL.search(page.text).group(1)
    webcal = "webcal://" + url.removeprefix("http://")
    assert f'href="{webcal}"' in page.text
    assert f'href="https://calendar.google.com/calendar/render?cid={quote(webcal, safe="")}"' in page.text
    assert f'href="https://outlook.live.com/calendar/0/addfromweb?url={quote(url, safe="")}&amp;name=Rungs"' in page.text
    # The copy button is JavaScript's (hidden without it); the address is in a readonly field.
    assert re.search(r'<textarea id="feed-url"[^>]* readonly', page.text)
    assert re.search(r'<button type="button" class="secondary" data-copy="feed-url" hidden>', page.text)
    assert 'src="/static/js/copy.js"' in page.text


def test_each_event_links_back_to_its_page_in_rungs(app, user_browser):
    plan_id = create_plan(user_browser)
    assert user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2024-01-10", "renewal_month": "5"}).status_code == 302
    path, _token = turn_on_feed(user_browser)
    found = events(parse(app.test_client().get(path)))
    assert found
    for uid, event in found.items():
        url = str(event["URL"])
        assert url.startswith("http://127.0.0.1:5000/"), uid
        assert str(event["DESCRIPTION"]).endswith(f"Open in Rungs: {url}"), uid
    milestone = next(e for uid, e in found.items() if uid.startswith("milestone-"))
    assert str(milestone["URL"]).startswith(f"http://127.0.0.1:5000/plans/{plan_id}/milestones/")
    assert str(found["ceu-cycle-aapc-2027-05-31@rungs"]["URL"]) == "http://127.0.0.1:5000/credentials/aapc/?cycle=2027-05-31"
    assert not re.search(r"\d{4}-\d{2}-\d{2}", str(milestone["DESCRIPTION"]).split("Open in Rungs")[0])  # dates in words


def test_a_cycle_event_says_what_is_still_needed(app, user_browser):
    assert user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2024-01-10", "renewal_month": "5"}).status_code == 302
    log_ceus(user_browser, "3.75")
    path, _token = turn_on_feed(user_browser)
    cycle = events(parse(app.test_client().get(path)))["ceu-cycle-aapc-2027-05-31@rungs"]
    assert str(cycle["SUMMARY"]) == "AAPC CEU cycle ends: 32.25 CEUs still needed"
    assert "3.75 of 36 CEUs earned, 32.25 still needed" in str(cycle["DESCRIPTION"])


def test_the_feed_carries_only_the_kinds_chosen_and_keeps_them_across_rotation(app, user_browser):
    create_plan(user_browser)
    assert user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2024-01-10", "renewal_month": "5"}).status_code == 302
    path, _token = turn_on_feed(user_browser)
    prefixes = lambda cal: {uid.split("-")[0] for uid in events(cal)}  # noqa: E731
    assert prefixes(parse(app.test_client().get(path))) == {"milestone", "ceu", "duty", "code"}

    saved = user_browser.post("/settings/calendar", {"kind": ["milestone", "ceu_cycle"], "alarm_days": ""})
    assert saved.status_code == 302
    assert prefixes(parse(app.test_client().get(path))) == {"milestone", "ceu"}
    page = text_of(user_browser.get("/settings/calendar"))
    assert "Saved." in page
    path, _token = turn_on_feed(user_browser)  # rotate: a new address, the same choices
    assert prefixes(parse(app.test_client().get(path))) == {"milestone", "ceu"}
    # The one-off download still holds everything.
    assert prefixes(parse(user_browser.get("/settings/calendar.ics"))) == {"milestone", "ceu", "duty", "code"}


def test_feed_choices_refuse_nothing_chosen_unknown_kinds_and_odd_alarms(app, user_browser):
    path, _token = turn_on_feed(user_browser)
    for data, message in [({"alarm_days": ""}, "Choose at least one kind of date"),
                          ({"kind": ["milestone", "lottery"], "alarm_days": ""}, "Choose at least one kind of date"),
                          ({"kind": ["milestone"], "alarm_days": "3"}, "Choose one of the alarms"),
                          ({"kind": ["milestone"], "alarm_days": "-1"}, "Choose one of the alarms"),
                          ({"kind": ["milestone"], "alarm_days": "99999999999999999999"}, "Choose one of the alarms")]:
        response = user_browser.post("/settings/calendar", data)
        assert response.status_code == 422, data
        assert message in text_of(response), data
    with app.app_context():
        row = db.session.execute(select(CalendarFeed)).scalar_one()
        assert row.kinds == "milestone,ceu_cycle,duty,code_set" and row.alarm_days is None
    assert user_browser.post("/settings/calendar", {"kind": ["milestone"], "alarm_days": "1"}, csrf=False).status_code == 400


def test_alarms_go_on_open_deadlines_only(app, user_browser):
    plan_with_step_two_three_weeks_late(app, user_browser)
    assert user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2024-01-10", "renewal_month": "5"}).status_code == 302
    path, _token = turn_on_feed(user_browser)
    assert not list(parse(app.test_client().get(path)).walk("VALARM"))  # none unless chosen
    assert user_browser.post("/settings/calendar", {"kind": list(("milestone", "ceu_cycle", "duty", "code_set")),
                                                    "alarm_days": "7"}).status_code == 302
    found = events(parse(app.test_client().get(path)))
    for uid, event in found.items():
        alarms = event.walk("VALARM")
        done = str(event["SUMMARY"]).startswith("Done:")
        if uid.startswith("code-set-") or done:
            assert not alarms, uid
        else:
            (alarm,) = alarms
            assert alarm["ACTION"] == "DISPLAY"
            assert alarm["TRIGGER"].dt == -dt.timedelta(days=7) + dt.timedelta(hours=9), uid  # 09:00, a week before
            assert str(alarm["DESCRIPTION"]) == str(event["SUMMARY"])
