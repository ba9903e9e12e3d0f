"""The dashboard's main part, written in Python: its plan, renewals and ladder cards, the code-set
updates coming up and the other plans.

With the page cache off (or on a miss), the Jinja template of this part cost more than a bare
page: three macro calls per section, a dozen filters and an escape per value, most of them for a
few lines of fixed text. These functions write the HTML the template wrote, byte for byte,
newlines and indents included (``tests/test_dashboard_html.py`` compares them with a copy of that
template, kept in ``tests/reference_templates``). Text that can hold anything (titles, labels,
codes, notes) is escaped; numbers and dates are written as they are, dates as the ``day`` filter
wrote them (:func:`.filters.page_days`: the same words, relative to the page's today).

The sections come in the order that matters at the user's career stage (domain/career.py):
renewals first for a working coder, the plan first for someone starting out. Renewals and
credentials are read by their attributes only: they may be rows rather than ORM objects.
"""
from __future__ import annotations

from flask import current_app
from markupsafe import Markup, escape

from ..forms.widgets import confirm_button
from .filters import ceus, certainty, meter, page_days, plan_status, step_badge

# What the template wrote before its first section: the blank lines its comments, import and
# macro definitions left.
_HEAD = "\n" * 11 + "<h1>Dashboard</h1>\n"


def dashboard_body(*, today, view, others, look, confirm, stage, order, working, stage_form, stage_hints,
                   renewals, events, ladder) -> Markup:
    """The dashboard's main part, on ``today`` (the user's: dates are written relative to it, as the
    ``day`` filter writes them). ``view``/``look``: the active plan's view and look (None without
    a plan); ``others``: the other plans (id, title); ``confirm``: what gives the CSRF field;
    ``order``/``working``/``stage``: from :mod:`tracker.domain.career`; ``stage_form``: the stage
    question (None once answered); ``renewals``: the bodies' overviews; ``events``: code-set dates;
    ``ladder``: the ladder card's glance (None for none)."""
    url_for = current_app.jinja_env.globals["url_for"]  # the templates' (its links remembered)
    day = page_days(today)
    out = [_HEAD]
    if stage_form:
        out.append(_stage_question(url_for, stage_form, stage_hints))
    out.append("\n")
    for section in order:
        if section == "plan":
            part = _plan_section(url_for, day, view, look, working, stage)
        elif section == "renewals":
            part = _renewals_section(url_for, day, renewals, working, stage)
        else:
            part = _ladder_section(url_for, day, ladder)
        out.append(f"\n  {part}\n")
    out.append("\n")
    if events:
        out.append(_code_set_updates(day, events))
    out.append("\n")
    if others:
        out.append(_other_plans(url_for, others, confirm))
    return Markup("".join(out))


def _stage_question(url_for, stage_form, stage_hints) -> str:
    """The stage question, for an account that has not answered it (onboarding/_stage.html's macro:
    imported only here, where the form shows)."""
    stage_choices = current_app.jinja_env.get_template("onboarding/_stage.html").module.stage_choices
    choices = stage_choices(stage_form, stage_hints, url_for("onboarding.stage"), "Continue", legend_hidden=True)
    return (
        '\n  <section class="card" id="where-are-you">\n'
        '    <h2>Where are you in your coding career?</h2>\n'
        '    <p class="muted small">Rungs shows what matters to you first. You can change this in Settings.</p>\n'
        f'    {choices}\n'
        '  </section>\n'
    )


def _plan_section(url_for, day, view, look, working, stage) -> str:
    """The active plan's card; else a line (working coder) or a card (starting) inviting one."""
    if view:
        plan = view.plan
        plan_url = escape(url_for("plans.show", plan_id=plan.id))
        count, total = view.done_count, len(view.milestones)
        schedule = view.schedule
        starts = "starts" if plan.start_date > view.today else "started"
        body = (
            '\n  \n  <section class="card">\n'
            '    <div class="spread">\n'
            f'      <h2><a href="{plan_url}">{escape(plan.title)}</a></h2>\n'
            f'      {plan_status(look)}\n'
            '    </div>\n'
            f'    <p class="muted small">{escape(view.pace_label)} · {starts} {day(plan.start_date)} · '
            f'{count} of {total} steps done</p>\n'
            f'    {meter(count, total, "Steps done")}\n'
            '    <dl class="facts">\n'
            f'      <dt>Target finish</dt><dd>{day(schedule.target_finish)}</dd>\n'
            f'      <dt>Projected finish</dt><dd>{day(schedule.projected_finish)}</dd>\n'
            '    </dl>\n'
            f'    \n    {_current_step(url_for, day, view, look, plan, plan_url)}\n'
            '  </section>\n'
        )
    elif working:
        body = (
            '\n  <p class="small muted">Working toward another credential? '
            f'<a href="{escape(url_for("plans.new"))}">Plan it</a> and Rungs dates every step.</p>\n'
        )
    elif stage:
        body = (
            '\n  <section class="card empty">\n'
            '    <h2>No plan yet</h2>\n'
            '    <p>Pick a certification track, a start date and a pace: Rungs lays out the six steps to a first '
            'coding job with dates.</p>\n'
            f'    <p><a class="button" href="{escape(url_for("plans.new"))}">Create my plan</a></p>\n'
            '  </section>\n'
        )
    else:
        body = ""
    return f"\n{body}\n"


def _current_step(url_for, day, view, look, plan, plan_url: str) -> str:
    """The step to work on now: its badge, note and due date, and links; or the plan's end."""
    current = view.milestones[look.current] if look.current is not None else None
    if not current:
        return "\n      <p>Every step is done. Congratulations on reaching the end of this plan!</p>\n    "
    cl, step, schedule = look.steps[look.current], current.milestone, current.schedule
    note = f'<p class="calm-note">{escape(cl.note)}</p>' if cl.note else ""
    due_on, means = view.dues[step.id]
    if means == "target":
        after = f" (its target date; projected {day(schedule.projected_due)})"
    elif due_on != schedule.target_due:
        after = f" (target {day(schedule.target_due)})"
    else:
        after = ""
    step_url = escape(url_for("plans.milestone", plan_id=plan.id, milestone_id=step.id))
    return (
        f'\n      <h3>Now: {escape(step.title)}</h3>\n'
        f'      <p>{step_badge(cl)}</p>\n'
        f'      {note}\n'
        f'      <p class="small"><span class="agenda-date" data-means="{escape(means)}">Due {day(due_on)}</span>'
        f'{after}.</p>\n'
        f'      <p class="row"><a class="button" href="{step_url}">Open this step</a>\n'
        f'         <a href="{plan_url}">See the whole plan</a></p>\n    '
    )


def _ladder_section(url_for, day, ladder) -> str:
    """The ladder card: the next rung and how ready the user is for it, or the top rung."""
    if not ladder:
        return "\n\n"
    lc = ladder.comparison
    link = escape(url_for("ladder.index"))
    if lc.next:
        tone = "good" if lc.readiness == 100 else "tone-calm"
        badge = f'<span class="badge big {tone}">{lc.readiness}% ready</span>'
        standing = _next_rung(day, ladder, lc)
    else:
        badge = ""
        standing = (
            f'\n      <p class="small">{escape(lc.current.title)}: the top rung. '
            f'<a href="{link}">See lateral moves</a>.</p>\n    '
        )
    return (
        '\n\n  <section class="card">\n'
        '    <div class="spread">\n'
        f'      <h2><a href="{link}">Career ladder</a></h2>\n'
        f'      {badge}\n'
        '    </div>\n'
        f'    {standing}\n'
        '  </section>\n\n'
    )


def _next_rung(day, ladder, lc) -> str:
    """Where the user stands → the next rung, its pay, when they reach its years; the codes held."""
    here = escape(lc.current.title) if lc.current else "On the pathway"
    nxt = lc.next
    if lc.reaches_next_on and nxt.min_years and lc.experience < nxt.min_years:
        when = f" · you reach {escape('%g' % nxt.min_years)} years on {day(lc.reaches_next_on)}"
    elif ladder.plan_finish:
        when = f" · your plan projects {day(ladder.plan_finish)}"
    else:
        when = ""
    held = f'<p class="small muted">Your credentials: {escape(" · ".join(map(str, ladder.held)))}</p>' if ladder.held else ""
    return (
        f'\n      <p class="small">{here} → <strong>{escape(nxt.title)}</strong>\n'
        f'        (median ${escape("{:,}".format(nxt.pay.median))}){when}.</p>\n'
        f'      {held}\n    '
    )


def _renewals_section(url_for, day, renewals, working, stage) -> str:
    """A card per certifying body held; without any, an invitation to add the credentials."""
    cards = "".join(_renewal(url_for, day, o) for o in renewals)
    empty = ""
    if not renewals:
        if working:
            invite = (
                '\n  <section class="card empty">\n'
                '    <h2>Your renewals</h2>\n'
                '    <p>Add the credentials you hold, with your renewal month or cycle end: Rungs tracks every CEU '
                'cycle and reminds you before it is due.</p>\n'
                f'    <p><a class="button" href="{escape(url_for("onboarding.credentials"))}">Add my credentials</a></p>\n'
                '  </section>\n  '
            )
        elif stage:
            invite = (
                '\n  <p class="small muted">Working coder? '
                f'<a href="{escape(url_for("credentials.new"))}">Add your credentials</a> and Rungs tracks every '
                'CEU cycle.</p>\n  '
            )
        else:
            invite = ""
        empty = f"\n  {invite}\n"
    return f"\n{cards}\n{empty}\n"


def _renewal(url_for, day, o) -> str:
    """One body's card: its current (or overdue) cycle's status, CEUs, due date and next step."""
    st, rules = o.attention, o.rules
    tally = st.tally
    codes = escape(" · ".join(str(c.code) for c in o.credentials if not c.replaced_on))
    left = f" ({st.days_left} days left)" if st.days_left >= 0 else ""
    return (
        '\n  <section class="card">\n'
        '    <div class="spread">\n'
        f'      <h2><a href="{escape(url_for("credentials.body", body=rules.id))}">{escape(rules.name)} CEUs</a> '
        f'<span class="muted small">{codes}</span></h2>\n'
        f'      <span class="badge big status-{escape(st.status)}">{escape(st.label)}</span>\n'
        '    </div>\n'
        f'    <p class="small">{ceus(tally.earned)} of {ceus(tally.required)} CEUs · {ceus(tally.needed)} still '
        f'needed · due {day(tally.cycle.end)}{left}</p>\n'
        f'    {meter(min(tally.earned, tally.required), tally.required, f"{rules.name} CEUs earned")}\n'
        f'    <p class="small">{escape(st.next_step)}</p>\n'
        '  </section>\n'
    )


def _code_set_updates(day, events) -> str:
    """ICD-10, CPT and HCPCS updates coming up, each said as estimated where it is."""
    items = "".join(
        f"<li><strong>{day(e.on)}</strong> · {escape(e.event.title)}"
        f"{f' {certainty(e.event.confidence)}' if e.event.confidence != 'high' else ''}</li>"
        for e in events
    )
    return (
        '\n  <section class="card">\n'
        '    <h2>Code-set updates coming up</h2>\n'
        '    <ul class="plain">\n'
        f'      {items}\n'
        '    </ul>\n'
        '  </section>\n'
    )


def _other_plans(url_for, others, confirm) -> str:
    """The user's other plans, each with the button that puts it on the dashboard."""
    items = "".join(
        f'\n        <li><a href="{escape(url_for("plans.show", plan_id=other.id))}">{escape(other.title)}</a>\n'
        f'          · {confirm_button(url_for("plans.activate", plan_id=other.id), "Put on dashboard", confirm)}</li>\n'
        '      '
        for other in others
    )
    return (
        '\n  <section class="card">\n'
        '    <h2>Other plans</h2>\n'
        '    <ul>\n'
        f'      {items}\n'
        '    </ul>\n'
        '  </section>\n'
    )
