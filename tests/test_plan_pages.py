"""The plan pages as a coder uses them (issue 15): calm statuses, dates in one format, undo after
deleting a cost, renaming and reordering milestones, no completion on a day still to come, sane
cost dates, limits said next to fields, checklists that save as they are ticked."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ChecklistItem, Cost, Milestone

from builders import make_plan, make_user, sign_in, signed_in
from support import Browser, create_plan, text_of


def steps(app, plan_id) -> list[tuple[int, str, dt.date | None]]:
    with app.app_context():
        return [
            (m.id, m.title, m.completed_on)
            for m in db.session.execute(
                select(Milestone).where(Milestone.plan_id == plan_id).order_by(Milestone.position)
            ).scalars()
        ]


def costs(app, milestone_id) -> list[tuple[int, str, int, dt.date | None]]:
    with app.app_context():
        return [
            (c.id, c.label, c.amount_cents, c.incurred_on)
            for c in db.session.execute(select(Cost).where(Cost.milestone_id == milestone_id).order_by(Cost.id)).scalars()
        ]


def page_url(plan_id, milestone_id) -> str:
    return f"/plans/{plan_id}/milestones/{milestone_id}"


def add_cost(browser, plan_id, milestone_id, label="Exam voucher", amount="399", on="2026-11-20"):
    return browser.post(page_url(plan_id, milestone_id) + "/costs",
                        {"kind": "exam", "label": label, "amount": amount, "incurred_on": on})


# -- undo after deleting a cost ----------------------------------------------------------------

def test_deleting_a_cost_offers_undo_which_puts_it_back_as_it_was(app, user_browser):
    plan_id = create_plan(user_browser)
    step = steps(app, plan_id)[2][0]
    add_cost(user_browser, plan_id, step)
    [(cost_id, label, cents, on)] = costs(app, step)

    user_browser.post(page_url(plan_id, step) + f"/costs/{cost_id}/delete")
    assert costs(app, step) == []
    page = user_browser.get(page_url(plan_id, step)).text
    assert "“Exam voucher” deleted." in page and ">Undo</button>" in page

    response = user_browser.post(page_url(plan_id, step) + "/costs/undo")
    assert response.status_code == 302
    assert costs(app, step) == [(cost_id, label, cents, on)]
    assert "“Exam voucher” is back." in text_of(user_browser.get(page_url(plan_id, step)))


def test_the_same_undo_sent_twice_restores_the_cost_once(app, user_browser):
    plan_id = create_plan(user_browser)
    step = steps(app, plan_id)[2][0]
    add_cost(user_browser, plan_id, step)
    cost_id = costs(app, step)[0][0]
    user_browser.post(page_url(plan_id, step) + f"/costs/{cost_id}/delete")
    with user_browser.client.session_transaction() as session:
        pending = dict(session["undo_cost"])

    user_browser.post(page_url(plan_id, step) + "/costs/undo")
    with user_browser.client.session_transaction() as session:
        session["undo_cost"] = pending  # an old cookie sent again
    user_browser.post(page_url(plan_id, step) + "/costs/undo")

    assert len(costs(app, step)) == 1


def test_undo_is_refused_after_five_minutes(app, user_browser, clock):
    plan_id = create_plan(user_browser)
    step = steps(app, plan_id)[2][0]
    add_cost(user_browser, plan_id, step)
    user_browser.post(page_url(plan_id, step) + f"/costs/{costs(app, step)[0][0]}/delete")

    clock.shift(dt.timedelta(minutes=5, seconds=1))
    assert ">Undo</button>" not in user_browser.get(page_url(plan_id, step)).text
    user_browser.post(page_url(plan_id, step) + "/costs/undo")

    assert costs(app, step) == []
    assert "Too late to undo" in text_of(user_browser.get(page_url(plan_id, step)))


def test_undo_on_another_step_restores_nothing(app, user_browser):
    plan_id = create_plan(user_browser)
    first, other = steps(app, plan_id)[2][0], steps(app, plan_id)[3][0]
    add_cost(user_browser, plan_id, first)
    user_browser.post(page_url(plan_id, first) + f"/costs/{costs(app, first)[0][0]}/delete")

    user_browser.post(page_url(plan_id, other) + "/costs/undo")

    assert costs(app, first) == [] and costs(app, other) == []


def test_a_strangers_step_cannot_be_undone_into(app, user_browser):
    plan_id = create_plan(user_browser)
    step = steps(app, plan_id)[2][0]
    stranger = signed_in(Browser(app.test_client()), email="stranger@example.com")

    assert stranger.post(page_url(plan_id, step) + "/costs/undo").status_code == 404


# -- rename and reorder ------------------------------------------------------------------------

def test_a_milestone_can_be_renamed(app, user_browser):
    plan_id = create_plan(user_browser)
    step = steps(app, plan_id)[0][0]

    response = user_browser.post(page_url(plan_id, step) + "/rename", {"title": "Pick AAPC or AHIMA"})

    assert response.status_code == 302
    assert steps(app, plan_id)[0][1] == "Pick AAPC or AHIMA"


def test_an_empty_name_is_refused_and_the_old_one_kept(app, user_browser):
    plan_id = create_plan(user_browser)
    step, title, _ = steps(app, plan_id)[0]

    response = user_browser.post(page_url(plan_id, step) + "/rename", {"title": "  "})

    assert response.status_code == 422
    assert "Give the step a name." in text_of(response)
    assert steps(app, plan_id)[0][1] == title


def test_moving_a_step_down_and_up_changes_the_order_and_the_targets(app, user_browser):
    plan_id = create_plan(user_browser)
    before = [s[0] for s in steps(app, plan_id)]

    user_browser.post(page_url(plan_id, before[0]) + "/move", {"direction": "down"})
    assert [s[0] for s in steps(app, plan_id)] == [before[1], before[0], *before[2:]]
    page = text_of(user_browser.get(f"/plans/{plan_id}"))
    assert "1. Complete an accredited coding program" in page

    user_browser.post(page_url(plan_id, before[0]) + "/move", {"direction": "up"})
    assert [s[0] for s in steps(app, plan_id)] == before


def test_the_first_step_cannot_move_up(app, user_browser):
    plan_id = create_plan(user_browser)
    before = [s[0] for s in steps(app, plan_id)]

    user_browser.post(page_url(plan_id, before[0]) + "/move", {"direction": "up"})

    assert [s[0] for s in steps(app, plan_id)] == before
    assert "already at that end" in text_of(user_browser.get(f"/plans/{plan_id}"))


# -- dates ---------------------------------------------------------------------------------------

def test_a_step_cannot_be_marked_done_on_a_day_still_to_come(app, user_browser):
    plan_id = create_plan(user_browser, start="2026-11-02")
    step = steps(app, plan_id)[0][0]

    response = user_browser.post(page_url(plan_id, step) + "/progress", {"action": "done", "on": "2026-11-24"})

    assert response.status_code == 422
    assert "use a day up to today, Nov 23." in text_of(response)
    assert steps(app, plan_id)[0][2] is None


def test_the_date_pickers_offer_only_days_the_server_accepts(app, user_browser):
    plan_id = create_plan(user_browser, start="2026-11-02")
    page = user_browser.get(page_url(plan_id, steps(app, plan_id)[0][0])).text

    assert 'max="2026-11-23"' in page  # done: up to today
    assert 'min="2016-11-23"' in page and 'max="2028-11-23"' in page  # a cost's date


def test_a_cost_dated_1900_or_2999_is_refused_with_a_readable_range(app, user_browser):
    plan_id = create_plan(user_browser)
    step = steps(app, plan_id)[2][0]
    for day in ("1900-01-01", "2999-01-01"):
        response = add_cost(user_browser, plan_id, step, on=day)
        assert response.status_code == 422
        assert "Use a date from" in text_of(response)  # 2999 is past what any date field takes
    assert "Use a date from Nov 23, 2016 to Nov 23, 2028." in text_of(add_cost(user_browser, plan_id, step, on="1900-01-01"))
    assert costs(app, step) == []


def test_dates_show_the_year_only_when_it_is_not_this_year(app, user_browser):
    plan_id = create_plan(user_browser, start="2026-11-02")
    page = text_of(user_browser.get(f"/plans/{plan_id}"))

    assert "started Nov 2 ·" in page
    assert "Target Nov 2 → Nov 9" in page
    assert "2026-" not in page and "Nov 2, 2026" not in page


# -- calm statuses -------------------------------------------------------------------------------

def test_steps_before_a_done_step_do_not_nag(app, browser, clock):
    """An aspiring coder records the exam pass before ticking off the earlier steps."""
    user = make_user(app)
    plan_id = make_plan(app, user, start=dt.date(2026, 5, 7), today=dt.date(2026, 11, 23))
    sign_in(browser, user)
    exam = steps(app, plan_id)[2][0]
    browser.post(page_url(plan_id, exam) + "/exam", {"taken_on": "2026-11-21", "result": "passed"})
    assert steps(app, plan_id)[2][2] == dt.date(2026, 11, 21)

    page = text_of(browser.get(f"/plans/{plan_id}"))
    assert "Behind by" not in page
    assert page.count("Not recorded") >= 2
    dashboard = text_of(browser.get("/"))
    assert "Now: Gain practical experience" in dashboard
    assert "Behind by" not in dashboard


def test_a_late_step_makes_only_that_step_speak(app, user_browser):
    plan_id = create_plan(user_browser, start="2026-05-04")
    page = user_browser.get(f"/plans/{plan_id}").text

    assert page.count("calm-note") == 1  # the step to do now, past its target
    assert "Behind by" in page  # the plan's one status
    assert page.count("badge big tone-attention") == 1
    assert "tone-late" not in page and "badge late" not in page


# -- forms ---------------------------------------------------------------------------------------

def test_length_limits_are_said_next_to_fields_not_enforced_by_cutting_text(app, user_browser):
    plan_id = create_plan(user_browser)
    page = user_browser.get(page_url(plan_id, steps(app, plan_id)[0][0])).text

    assert "maxlength" not in page
    assert "Up to 200 characters." in page  # the name
    assert "Up to 10,000 characters." in page  # the notes


def test_a_name_over_the_limit_is_refused_with_a_message(app, user_browser):
    plan_id = create_plan(user_browser)
    step, title, _ = steps(app, plan_id)[0]

    response = user_browser.post(page_url(plan_id, step) + "/rename", {"title": "x" * 201})

    assert response.status_code == 422
    assert steps(app, plan_id)[0][1] == title


def test_a_checklist_tick_sent_by_the_page_script_is_saved_without_a_reload(app, user_browser):
    plan_id = create_plan(user_browser)
    step = steps(app, plan_id)[1][0]  # the coding program: a checklist
    with app.app_context():
        items = [i.id for i in db.session.execute(select(ChecklistItem).where(ChecklistItem.milestone_id == step)).scalars()]
    assert items

    response = user_browser.post(page_url(plan_id, step) + "/checklist", {"items": [items[0]]},
                                 headers={"X-Requested-With": "fetch"})

    assert response.status_code == 204
    with app.app_context():
        assert db.session.get(ChecklistItem, items[0]).done_on == dt.date(2026, 11, 23)
    assert "Checklist saved." not in text_of(user_browser.get(page_url(plan_id, step)))


def test_no_page_speaks_of_data_files(app, user_browser):
    plan_id = create_plan(user_browser)
    for path in ("/", "/plans/", f"/plans/{plan_id}", page_url(plan_id, steps(app, plan_id)[2][0]), "/ladder/"):
        text = text_of(user_browser.get(path))
        for word in ("plans/", "seed", "confidence:"):
            assert word not in text, f"{word!r} on {path}"
