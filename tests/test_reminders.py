"""Reminders are never lost and never doubled: the outbox, the sweep, real SMTP (aiosmtpd)."""
from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from sqlalchemy import func, select

from tracker.domain import reminders as rules
from tracker.extensions import db
from tracker.models import ExperienceGap, Milestone, Reminder, User
from tracker.services import credentials as credential_service
from tracker.services import plans as plan_service
from tracker.services import reminders as service

from smtp_server import concurrent_sweeps, seed_due_rows
from builders import signed_in
from support import text_of

UTC = dt.timezone.utc
TODAY = dt.date(2026, 11, 23)  # the clock fixture: 2026-11-23 15:00 UTC (10:00 in New York)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def make_user(email="coder@example.com", zone="America/New_York") -> User:
    user = User(email=email, password_hash="not-a-real-hash", time_zone=zone, session_version=1)
    db.session.add(user)
    db.session.commit()
    return user


def plan_with(user: User, *durations_days: int, start: dt.date = TODAY, title="My plan"):
    plan = plan_service.create_custom_plan(user, title, start)
    plan_service.append_milestones(plan, [(f"Step {i}", "", days, "days") for i, days in enumerate(durations_days, 1)])
    return plan


def rows(user: User | None = None, status: str | None = None) -> list[Reminder]:
    query = select(Reminder).order_by(Reminder.id)
    if user is not None:
        query = query.where(Reminder.user_id == user.id)
    if status is not None:
        query = query.where(Reminder.status == status)
    return list(db.session.execute(query).scalars())


# -- what is planned -------------------------------------------------------------------------------

def test_a_milestone_due_tomorrow_and_a_cycle_ending_in_45_days_email_at_8_local(app, clock, smtp):
    with app.app_context():
        user = make_user()
        plan_with(user, 1)  # due tomorrow
        credential_service.add_credential(user, "RHIT", dt.date(2025, 1, 8), TODAY, cycle_end=TODAY + dt.timedelta(days=45))
        assert service.sweep(at("2026-11-23T12:59")).sent == 0  # 07:59 in New York
        result = service.sweep(at("2026-11-23T13:00"))  # 08:00 EST
        assert result.sent == 2
        subjects = sorted(m["Subject"] for m in smtp.recorder.messages)
        assert subjects == [
            "AHIMA CEU cycle ending Jan 7, 2027: CEUs still needed",
            "Due Tue Nov 24: Step 1 (My plan)",
        ]
        again = service.sweep(at("2026-11-23T14:00"))
        assert again.sent == 0 and len(smtp.recorder.messages) == 2


def test_emails_are_short_with_text_html_a_link_and_one_click_unsubscribe(app, clock, smtp):
    with app.app_context():
        user = make_user()
        plan = plan_with(user, 1)
        service.sweep(at("2026-11-23T13:00"))
        (message,) = smtp.recorder.messages
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        milestone_id = plan.milestones[0].id
        assert f"http://127.0.0.1:5000/plans/{plan.id}/milestones/{milestone_id}" in text
        assert "Tuesday, November 24 (in 1 day)" in text and "Open in Rungs" in html
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Unsubscribe"].startswith("<http://127.0.0.1:5000/reminders/unsubscribe/")
        assert message["Message-ID"] == rows(user, "sent")[0].message_id


def test_finishing_a_step_cancels_its_reminders_in_the_same_commit(app, clock):
    with app.app_context():
        user = make_user()
        plan = plan_with(user, 3)
        assert {r.kind for r in rows(user, "pending")} == {rules.MILESTONE_DUE, rules.MILESTONE_OVERDUE}
        plan_service.mark_done(plan.milestones[0], TODAY, TODAY)
        assert rows(user, "pending") == []
        assert {r.status for r in rows(user)} == {"cancelled"}


def test_editing_a_duration_moves_the_reminder_instead_of_adding_one(app, clock):
    with app.app_context():
        user = make_user()
        plan = plan_with(user, 3)
        plan_service.set_duration(plan.milestones[0], 10, "days")
        pending = rows(user, "pending")
        assert sorted(r.occurrence for r in pending) == [TODAY + dt.timedelta(days=10)] * 2
        assert {r.occurrence for r in rows(user, "cancelled")} == {TODAY + dt.timedelta(days=3)}


def test_planning_twice_adds_nothing(app, clock):
    with app.app_context():
        user = make_user()
        plan_with(user, 3, 5)
        before = len(rows(user))
        assert service.plan_user(user, clock and at("2026-11-23T15:00"))["planned"] == 0
        db.session.commit()
        assert len(rows(user)) == before


# -- delivery and failure --------------------------------------------------------------------------

def test_smtp_down_then_back_delivers_each_reminder_exactly_once(app, clock, smtp):
    with app.app_context():
        for n in range(3):
            plan_with(make_user(f"u{n}@example.com"), 1)
        smtp.stop()
        down = service.sweep(at("2026-11-23T13:00"))
        assert (down.sent, down.retried) == (0, 3)
        assert all(r.status == "pending" and r.last_error and r.next_attempt_at for r in rows(status="pending") if r.attempts)
        smtp.start()
        retries = [service.sweep(at("2026-11-23T13:00") + dt.timedelta(minutes=m)) for m in (1, 5, 30, 90)]
        assert sum(r.sent for r in retries) == 3
        assert len(set(smtp.recorder.message_ids)) == len(smtp.recorder.messages) == 3


def test_a_451_reply_retries_with_backoff_then_delivers(app, clock, smtp):
    with app.app_context():
        plan_with(make_user(), 1)
        smtp.recorder.reply = "451 4.3.0 Try again later"
        first = service.sweep(at("2026-11-23T13:00"))
        (row,) = [r for r in rows() if r.attempts]
        assert (first.retried, row.status) == (1, "pending")
        assert "451" in row.last_error
        wait = row.next_attempt_at - at("2026-11-23T13:00")
        assert dt.timedelta(minutes=1) <= wait <= dt.timedelta(minutes=2)
        assert service.sweep(at("2026-11-23T13:00:30")).claimed == 0  # still backing off
        smtp.recorder.reply = None
        assert service.sweep(row.next_attempt_at).sent == 1


def test_a_550_reply_dead_letters_and_shows_in_the_reminder_centre(app, clock, smtp, browser):
    signed_in(browser)
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        plan_with(user, 1)
        smtp.recorder.reply = "550 5.1.1 No such user"
        result = service.sweep(at("2026-11-23T13:00"))
        assert result.failed == 1
        assert rows(user, "failed")[0].attempts == 1
    page = text_of(browser.get("/reminders/"))
    assert "Failed" in page and "550" in page and "Send again" in page


def test_attempt_limit_dead_letters(app, clock, smtp):
    with app.app_context():
        plan_with(make_user(), 1)
        smtp.recorder.reply = "451 busy"
        now = at("2026-11-23T13:00")
        for _ in range(rules.MAX_ATTEMPTS):
            service.sweep(now)
            now += rules.MAX_BACKOFF
        (row,) = [r for r in rows() if r.attempts]
        assert (row.status, row.attempts) == ("failed", rules.MAX_ATTEMPTS)


def test_a_worker_killed_after_claiming_sends_after_the_lease(app, clock, smtp):
    with app.app_context():
        plan_with(make_user(), 1)
        claimed = service.claim(at("2026-11-23T13:00"))  # ...and the process dies here
        assert len(claimed) == 1 and rows(status="sending")
        assert service.sweep(at("2026-11-23T13:02")).sent == 0  # lease still held
        result = service.sweep(at("2026-11-23T13:06"))
        assert (result.reclaimed, result.sent) == (1, 1)
        assert len(smtp.recorder.messages) == 1 and rows(status="sending") == []


def test_a_row_that_fails_to_render_does_not_stall_the_sweep(app, clock, smtp, monkeypatch):
    with app.app_context():
        for n in range(3):
            plan_with(make_user(f"u{n}@example.com"), 1)
        broken = rows(status="pending")[0]
        real = service.render

        def render(row, *args):
            if row.id == broken.id:
                raise RuntimeError("template exploded")
            return real(row, *args)

        monkeypatch.setattr(service, "render", render)
        result = service.sweep(at("2026-11-23T13:00"))
        assert (result.sent, result.retried) == (2, 1)
        row = db.session.get(Reminder, broken.id)
        assert row.status == "pending" and "template exploded" in row.last_error


def test_downtime_sends_each_missed_reminder_once_and_nothing_moot(app, clock, smtp):
    with app.app_context():
        user = make_user()
        plan = plan_with(user, 1, 1)  # due Nov 24 and Nov 25
        other = plan_with(make_user("other@example.com"), 1)
        plan_service.mark_done(other.milestones[0], TODAY, TODAY)  # moot before it was due
        # The worker is down from now until two days later.
        result = service.sweep(at("2026-11-25T20:00"))
        sent = sorted(m["Subject"] for m in smtp.recorder.messages)
        # Step 1's "due tomorrow" email became moot once step 1 was overdue: the overdue one goes instead.
        assert sent == [
            "Due Wed Nov 25: Step 2 (My plan)",
            "Overdue since Tue Nov 24: Step 1 (My plan)",
        ]
        assert {(r.kind, r.status) for r in rows(user) if r.occurrence == dt.date(2026, 11, 24)} == {
            (rules.MILESTONE_DUE, "cancelled"), (rules.MILESTONE_OVERDUE, "sent"),
        }
        assert result.sent == len(sent)
        assert service.sweep(at("2026-11-25T20:01")).sent == 0
        assert len(set(smtp.recorder.message_ids)) == len(smtp.recorder.messages)
        assert all(m["To"] == "coder@example.com" for m in smtp.recorder.messages)
        assert plan.milestones[0].completed_on is None


@pytest.mark.slow
def test_two_sweeps_at_once_on_sqlite_send_1000_rows_exactly_once(app, clock, smtp):
    now = at("2026-11-23T13:00")
    with app.app_context():
        seed_due_rows(100, 10, TODAY + dt.timedelta(days=1))
        due = db.session.execute(
            select(func.count()).select_from(Reminder).where(Reminder.status == "pending", Reminder.due_at <= now)
        ).scalar_one()
        assert due == 1000
    assert concurrent_sweeps(app, now, 2) == []
    assert len(smtp.recorder.messages) == 1000
    assert len(set(smtp.recorder.message_ids)) == 1000
    with app.app_context():
        assert len(rows(status="sent")) == 1000


@pytest.mark.slow
def test_one_smtp_connection_serves_a_whole_sweep(app, clock, smtp):
    with app.app_context():
        seed_due_rows(25, 10, TODAY + dt.timedelta(days=1))  # 250 rows: more than one claim batch
        result = service.sweep(at("2026-11-23T13:00"))
    assert result.sent == 250 > service.CLAIM_BATCH
    assert smtp.recorder.connections == 1


# -- time ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("zone", "day", "utc_hour"),
    [
        ("America/New_York", dt.date(2027, 3, 13), 13),  # EST, the day before spring forward
        ("America/New_York", dt.date(2027, 3, 14), 12),  # EDT from 02:00 that day
        ("America/New_York", dt.date(2027, 11, 7), 13),  # back to EST
        ("Europe/Berlin", dt.date(2027, 3, 27), 7),
        ("Europe/Berlin", dt.date(2027, 3, 28), 6),
        ("Europe/Berlin", dt.date(2027, 10, 31), 7),
    ],
)
def test_send_hour_is_8_local_across_dst(zone, day, utc_hour):
    assert rules.send_instant(day, 8, zone) == dt.datetime(day.year, day.month, day.day, utc_hour, tzinfo=UTC)


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin"])
@pytest.mark.slow
def test_one_email_per_occurrence_across_a_dst_change(app, clock, smtp, zone):
    clock.move_to("2027-03-10T12:00Z")
    with app.app_context():
        user = make_user(zone=zone)
        plan_with(user, 22, start=dt.date(2027, 3, 10))  # due Apr 1: reminders Mar 31 and Apr 2
        plan_with(user, 5, start=dt.date(2027, 3, 10), title="Spring")  # due Mar 15 (US change Mar 14)
        now = at("2027-03-10T12:00")
        while now < at("2027-04-05T00:00"):
            service.sweep(now)
            now += dt.timedelta(hours=1)
        sent = rows(user, "sent")
        assert len(sent) == len(smtp.recorder.messages) == 4
        for row in sent:
            local = row.sent_at.astimezone(zoneinfo.ZoneInfo(zone))
            assert local.hour == 8, (row.title, local)


def test_changing_time_zone_moves_pending_rows_without_duplicates(app, clock, user_browser):
    plan_id = None
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        plan_id = plan_with(user, 3).id
        before = {(r.kind, r.occurrence): r.due_at for r in rows(user, "pending")}
    response = user_browser.post("/settings/", {"email": "coder@example.com", "time_zone": "Europe/Berlin"})
    assert response.status_code in (200, 302)
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        assert user.time_zone == "Europe/Berlin"
        after = {(r.kind, r.occurrence): r.due_at for r in rows(user, "pending")}
        assert after.keys() == before.keys()
        for key, due_at in after.items():
            assert due_at == before[key] - dt.timedelta(hours=6)
        assert db.session.execute(select(func.count()).select_from(Reminder)).scalar_one() == len(before)
    assert plan_id


# -- unsubscribe and preferences --------------------------------------------------------------------

def test_unsubscribe_get_changes_nothing_post_works_without_a_session_tampered_fails(app, clock, smtp):
    with app.app_context():
        user = make_user()
        plan_with(user, 1)
        token = service.unsubscribe_token(user, rules.MILESTONE_DUE)
    client = app.test_client()
    page = client.get(f"/reminders/unsubscribe/{token}")
    assert page.status_code == 200 and "Nothing changes until you press the button" in text_of(page)
    with app.app_context():
        assert {r.status for r in rows() if r.kind == rules.MILESTONE_DUE} == {"pending"}
    assert client.post(f"/reminders/unsubscribe/{token[:-2]}xx").status_code == 404
    done = client.post(f"/reminders/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Unsubscribed" in text_of(done)
    with app.app_context():
        assert {r.status for r in rows() if r.kind == rules.MILESTONE_DUE} == {"cancelled"}
        assert {r.status for r in rows() if r.kind == rules.MILESTONE_OVERDUE} == {"pending"}
        assert service.sweep(at("2026-11-23T13:00")).sent == 0


def test_preferences_change_lead_times_and_send_hour_and_refuse_bad_input(app, clock, user_browser):
    with app.app_context():
        plan_with(db.session.execute(select(User)).scalar_one(), 10)
    form = {f"kind:{k}": "1" for k in rules.KINDS if k != rules.DIGEST}
    form.update({f"offsets:{k}": ", ".join(map(str, v)) for k, v in rules.DEFAULT_OFFSETS.items()})
    bad = user_browser.post("/reminders/preferences", {**form, "offsets:milestone_due": "3, soon", "send_hour": "7", "digest_weekday": "0"})
    assert bad.status_code == 422 and "'soon' is not a whole number" in text_of(bad)
    ok = user_browser.post("/reminders/preferences", {**form, "offsets:milestone_due": "7, 2", "send_hour": "7", "digest_weekday": "0"})
    assert ok.status_code == 302
    with app.app_context():
        due = sorted((r.offset_days, r.due_at) for r in rows(status="pending") if r.kind == rules.MILESTONE_DUE)
        assert [o for o, _ in due] == [2, 7]
        assert all(d.astimezone(zoneinfo.ZoneInfo("America/New_York")).hour == 7 for _, d in due)
    page = text_of(user_browser.get("/reminders/"))
    assert "Coming up" in page and "Step 1" in page


def test_cli_sweep_at_an_instant_and_list(app, clock, smtp):
    with app.app_context():
        plan_with(make_user(), 1)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "sweep", "--now", "2026-11-23T13:00"])
    assert result.exit_code == 0 and "sent=1" in result.output
    listing = runner.invoke(args=["reminders", "list", "--user", "coder@example.com"])
    assert listing.exit_code == 0 and "sent" in listing.output and "Step 1" in listing.output
    bad = runner.invoke(args=["reminders", "sweep", "--now", "yesterday"])
    assert bad.exit_code != 0 and "is not a date and time" in bad.output
    nobody = runner.invoke(args=["reminders", "list", "--user", "nobody@example.com"])
    assert nobody.exit_code == 1 and "no user" in nobody.output


def test_another_users_reminder_and_gap_answer_404_and_change_nothing(app, clock, smtp, user_browser):
    with app.app_context():
        owner = make_user("owner@example.com")
        plan_with(owner, 1)
        smtp.recorder.reply = "550 no such user"
        service.sweep(at("2026-11-23T13:00"))
        (failed,) = rows(owner, "failed")
        gap = ExperienceGap(user_id=owner.id, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 2, 1))
        db.session.add(gap)
        db.session.commit()
        failed_id, gap_id = failed.id, gap.id
    assert user_browser.post(f"/reminders/{failed_id}/retry").status_code == 404
    assert user_browser.post(f"/ladder/gaps/{gap_id}/delete").status_code == 404
    with app.app_context():
        assert db.session.get(Reminder, failed_id).status == "failed"
        assert db.session.get(ExperienceGap, gap_id) is not None


# -- snooze and skip: the user's word on one reminder survives planning and restarts ----------------

def pending_of(user: User, kind: str) -> list[Reminder]:
    return [r for r in rows(user, "pending") if r.kind == kind]


def test_a_snoozed_reminder_goes_once_at_its_new_time_and_replanning_keeps_it(app, clock, smtp, user_browser):
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        plan = plan_with(user, 10)  # due Dec 3: "due soon" planned for Dec 2, 08:00 New York
        (row,) = pending_of(user, rules.MILESTONE_DUE)
        assert row.due_at == at("2026-12-02T13:00")
        row_id, milestone = row.id, plan.milestones[0]
    response = user_browser.post(f"/reminders/{row_id}/snooze", {"days": "1"})
    assert response.status_code == 302
    assert "Snoozed: this reminder now comes on Dec 3, 2026." in text_of(user_browser.get("/reminders/"))
    with app.app_context():
        row = db.session.get(Reminder, row_id)
        assert row.snoozed_to == dt.date(2026, 12, 3) and row.due_at == at("2026-12-03T13:00")
        # A change to the plan re-plans every row: the snooze holds, nothing is added.
        user = db.session.get(User, row.user_id)
        plan_service.set_notes(db.session.get(Milestone, milestone.id), "Changed notes")
        service.plan_user(user, at("2026-11-23T16:00"))
        db.session.commit()
        assert db.session.get(Reminder, row_id).due_at == at("2026-12-03T13:00")
        # The worker restarts many times around the old and the new time: sent once, at the new one.
        for instant in ("2026-12-02T13:00", "2026-12-02T14:00", "2026-12-03T12:59"):
            clock.move_to(at(instant))
            assert service.sweep(at(instant)).sent == 0, instant
        for instant in ("2026-12-03T13:00", "2026-12-03T13:05", "2026-12-04T13:00"):
            clock.move_to(at(instant))
            service.sweep(at(instant))
        sent = [m for m in smtp.recorder.messages if m["X-Rungs-Reminder"] == f"milestone_due:{row_id}"]
        assert len(sent) == 1
        assert db.session.get(Reminder, row_id).status == "sent"


def test_a_snooze_survives_a_time_zone_change_and_follows_the_send_hour(app, clock, user_browser):
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        plan_with(user, 10)
        row_id = pending_of(user, rules.MILESTONE_DUE)[0].id
    assert user_browser.post(f"/reminders/{row_id}/snooze", {"days": "1"}).status_code == 302
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        user.time_zone = "Europe/Berlin"
        db.session.commit()  # re-plans in the same commit
        row = db.session.get(Reminder, row_id)
        assert row.status == "pending" and row.snoozed_to == dt.date(2026, 12, 3)
        assert row.due_at == at("2026-12-03T07:00")  # 08:00 in Berlin
        assert len(pending_of(user, rules.MILESTONE_DUE)) == 1


def test_a_snooze_never_pushes_a_reminder_past_the_date_it_reminds_of(app, clock, user_browser):
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        plan_with(user, 4)  # due Nov 27; "due soon" on Nov 26
        row_id = pending_of(user, rules.MILESTONE_DUE)[0].id
    page = user_browser.get("/reminders/")
    row_html = page.text.split(f'id="reminder-{row_id}"')[1].split("</li>")[0]
    assert 'name="days" value="1"' in row_html and 'name="days" value="3"' not in row_html
    refused = user_browser.post(f"/reminders/{row_id}/snooze", {"days": "3"})
    assert refused.status_code == 302
    assert "Choose 1, 3 or 7 days" in text_of(user_browser.get("/reminders/"))
    with app.app_context():
        assert db.session.get(Reminder, row_id).snoozed_to is None
    for days in ("0", "-1", "x", "99999999999999999999"):
        user_browser.post(f"/reminders/{row_id}/snooze", {"days": days})
    with app.app_context():
        assert db.session.get(Reminder, row_id).snoozed_to is None


def test_a_skipped_reminder_is_never_sent_and_replanning_never_brings_it_back(app, clock, smtp, user_browser):
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        plan = plan_with(user, 1, 5)  # Step 1 due Nov 24, Step 2 due Nov 29
        step2 = next(r for r in pending_of(user, rules.MILESTONE_DUE) if "Step 2" in r.title)
        row_id, milestone_id = step2.id, plan.milestones[0].id
    assert user_browser.post(f"/reminders/{row_id}/skip").status_code == 302
    centre = user_browser.get("/reminders/")
    assert "Skipped" in text_of(centre) and "Undo skip" in text_of(centre)
    # Step 1 done then undone: every row is re-planned twice; the skipped one stays skipped.
    assert user_browser.post(f"/plans/{plan.id}/milestones/{milestone_id}/progress", {"action": "done", "on": "2026-11-23"}).status_code == 302
    assert user_browser.post(f"/plans/{plan.id}/milestones/{milestone_id}/undo").status_code == 302
    with app.app_context():
        user = db.session.get(User, user.id)
        service.plan_user(user, at("2026-11-24T16:00"))
        db.session.commit()
        row = db.session.get(Reminder, row_id)
        assert row.status == "cancelled" and row.skipped_at is not None
        for instant in ("2026-11-28T13:00", "2026-11-28T14:00", "2026-11-29T13:00"):
            clock.move_to(at(instant))
            service.sweep(at(instant))
        assert not [m for m in smtp.recorder.messages if m["X-Rungs-Reminder"] == f"milestone_due:{row_id}"]
        # The other reminders of the same step still go: Step 2's overdue one.
        clock.move_to(at("2026-11-30T13:00"))
        service.sweep(at("2026-11-30T13:00"))
        assert any(m["Subject"].startswith("Overdue since Sun Nov 29: Step 2") for m in smtp.recorder.messages)


def test_undoing_a_skip_plans_the_reminder_again(app, clock, user_browser):
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        plan_with(user, 10)
        row_id = pending_of(user, rules.MILESTONE_DUE)[0].id
    user_browser.post(f"/reminders/{row_id}/skip")
    assert user_browser.post(f"/reminders/{row_id}/unskip").status_code == 302
    assert "The reminder is coming up again." in text_of(user_browser.get("/reminders/"))
    with app.app_context():
        row = db.session.get(Reminder, row_id)
        assert row.status == "pending" and row.skipped_at is None


def test_the_centre_groups_reminders_by_what_they_are_about(app, clock, user_browser):
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        plan_with(user, 10, 10)
        credential_service.add_credential(user, "RHIT", dt.date(2025, 1, 8), TODAY, cycle_end=TODAY + dt.timedelta(days=120))
    page = user_browser.get("/reminders/")
    pending = page.text.split('id="pending"')[1].split('id="sent"')[0]
    headings = re.findall(r'<h3 id="rg-pending-\d+">(?:<a [^>]*>)?([^<]+)', pending)
    assert headings[:2] == ["Step 1 (My plan)", "Step 2 (My plan)"]
    assert sorted(headings[2:]) == ["AHIMA CEU cycle ending Mar 23, 2027", "AHIMA recertification fee"]
    # Each row says its lead time, not the title again.
    assert pending.count("Step 1 (My plan)") == 3  # the heading, and the hidden names of its two rows' actions
    for label in ("1 day before", "Overdue: 1 day after", "90 days before", "45 days before"):
        assert label in pending, label


def test_snooze_and_skip_of_another_users_reminder_answer_404(app, clock, user_browser):
    with app.app_context():
        other = make_user("other@example.com")
        plan_with(other, 10)
        theirs = pending_of(other, rules.MILESTONE_DUE)[0].id
    for action in ("snooze", "skip", "unskip"):
        assert user_browser.post(f"/reminders/{theirs}/{action}", {"days": "1"}).status_code == 404, action
    with app.app_context():
        row = db.session.get(Reminder, theirs)
        assert row.status == "pending" and row.snoozed_to is None and row.skipped_at is None


def test_lead_times_are_ticked_from_a_list(app, clock, user_browser):
    page = user_browser.get("/reminders/preferences")
    assert page.status_code == 200
    for value, label in [("90", "90 days before"), ("0", "On the day"), ("-1", "1 day after")]:
        assert f'name="offsets:ceu_cycle" value="{value}"' in page.text and label in text_of(page)
    assert 'name="offsets:milestone_due"' in page.text and "Days before (or -days after)" not in page.text
    form = {f"kind:{k}": "1" for k in rules.KINDS if k != rules.DIGEST}
    form.update({f"offsets:{k}": [str(v) for v in rules.DEFAULT_OFFSETS[k]] for k in rules.DEFAULT_OFFSETS})
    ok = user_browser.post("/reminders/preferences", {**form, "offsets:ceu_cycle": ["60", "14", "0"], "send_hour": "8", "digest_weekday": "0"})
    assert ok.status_code == 302
    with app.app_context():
        prefs = service.preferences(service.preference_row(db.session.execute(select(User)).scalar_one()))
        assert prefs.offsets[rules.CEU_CYCLE] == (60, 14, 0)
    none = user_browser.post("/reminders/preferences", {**form, "offsets:ceu_cycle": [], "send_hour": "8", "digest_weekday": "0"})
    assert none.status_code == 422 and "Tick at least one lead time" in text_of(none)
