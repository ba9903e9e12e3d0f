"""The plan page's repeated parts, written in Python: its timeline and its list of steps.

Each step of a plan repeats the same block (a dozen values, three dates, up to three buttons),
and each of the timeline's rows and month ticks the same few lines: in Jinja, the loops, the
attribute lookups and an escape per value were half the page's time. These functions write the
HTML the templates wrote, byte for byte, newlines and indents included
(``tests/test_plan_page_html.py`` compares them with a copy of those templates, kept in
``tests/reference_templates``). Text that can hold anything (titles, labels, notes) is escaped;
numbers, dates and fixed words are written as they are.

Dates are written as the ``day`` filter writes them, relative to the view's today: the plan page is
signed in only, and its view's today is the one the filter uses (the user's zone, once a request).
"""
from __future__ import annotations

from jinja2 import pass_environment
from markupsafe import Markup, escape

from ..domain.agenda import means_text
from ..domain.dates import human_date
from ..domain.plans import StepState

# The legend's colours, in its order, and their names.
LEGEND = {"planned": "Projected", "active": "In progress", "done": "Done", "attention": "Past its target",
          "passed": "Not recorded"}


def _days(today):
    """The ``day`` filter for one page: each date written once."""
    written: dict = {}

    def day(value) -> str:
        text = written.get(value)
        if text is None:
            text = written[value] = human_date(value, today)
        return text

    return day


def plan_timeline(view, look, timeline) -> Markup:
    """The plan as a timeline. Wide screens: an SVG, dashed outline = target, filled bar =
    projection (coloured like the legend), orange line = today; a named group, not role="img",
    since its rows are links to the steps. Phones: the same rows as a vertical list (rungs.css
    switches). ``timeline``: :func:`tracker.views.timeline.build_timeline`'s layout of ``view``."""
    day = _days(view.today)
    title = escape(view.plan.title)
    schedule = view.schedule
    target_finish, projected_finish = day(schedule.target_finish), day(schedule.projected_finish)
    height = timeline.height
    out = [
        '\n\n<figure class="timeline" aria-labelledby="tl-caption">\n'
        f'  <figcaption id="tl-caption" class="sr-only">Timeline of {title}: target finish {target_finish}, '
        f'projected finish {projected_finish} ({escape(look.label)}).</figcaption>\n'
        '  <div class="timeline-chart">\n'
        f'  <svg role="group" aria-labelledby="tl-title" aria-describedby="tl-desc" height="{height}" '
        'xmlns="http://www.w3.org/2000/svg">\n'
        f'    <title id="tl-title">Timeline of {title}</title>\n'
        f'    <desc id="tl-desc">From {day(timeline.start)} to {day(timeline.end)}. Target finish {target_finish}, '
        f'projected finish {projected_finish}: {escape(schedule.timeliness)}.</desc>\n    '
    ]
    for tick in timeline.ticks:
        x, kind = tick.x, "major" if tick.major else "minor"
        label = f'<text x="{x}%" y="13" dx="3">{escape(tick.label)}</text>' if tick.label else ""
        out.append(
            f'\n      <g class="tick {kind}">\n'
            f'        <line x1="{x}%" x2="{x}%" y1="18" y2="{height}"/>\n'
            f'        {label}\n'
            '      </g>\n    '
        )
    out.append("\n    ")
    rows = [(row, escape(row.title)) for row in timeline.rows]
    for row, row_title in rows:
        y, target, projected = row.y, row.target, row.projected
        out.append(
            f'\n      <a href="#{row.anchor}">\n'
            f'        <text class="row-title" x="1%" y="{y + 12}">{row.number}. {escape(row.short_title)}</text>\n'
            f'        <rect class="target" x="{target.x}%" y="{y + 18}" width="{target.width}%" height="10" rx="3"/>\n'
            f'        <rect class="proj {row.tone}" x="{projected.x}%" y="{y + 31}" width="{projected.width}%" '
            'height="10" rx="3"/>\n'
            f'        <title>{row_title}: {escape(row.label)}</title>\n'
            '      </a>\n    '
        )
    out.append("\n    ")
    today_x = timeline.today_x
    if today_x is not None:
        out.append(
            '\n      <g class="today">\n'
            f'        <line x1="{today_x}%" x2="{today_x}%" y1="20" y2="{height}"/>\n'
            '      </g>\n    '
        )
    today = day(timeline.today)
    today_mark = f'<li class="today-mark"><span>Today, {today}</span></li>'
    out.append(
        '\n  </svg>\n  </div>\n'
        f'  <div class="timeline-list" role="group" aria-label="Timeline of {title}, step by step">\n'
        '  <ol>\n    '
    )
    today_row = timeline.today_row
    for index, (row, row_title) in enumerate(rows):
        if row.done:
            when = f"Done {day(row.projected_due)}"
        elif row.tone == "passed":
            when = "Not recorded"
        else:
            when = f"Projected {day(row.projected_start)} → {day(row.projected_due)}"
        out.append(
            f'\n      {today_mark if index == today_row else ""}\n'
            f'      <li class="tone-{row.tone}">\n'
            f'        <a href="#{row.anchor}">{row.number}. {row_title}</a>\n'
            f'        <span class="small">{when}\n'
            f'          <span class="muted">· target {day(row.target_start)} → {day(row.target_due)}</span></span>\n'
            '      </li>\n    '
        )
    out.append(
        f'\n    {today_mark if today_row is None else ""}\n'
        '  </ol>\n  </div>\n  <p class="legend">\n'
        '    <span><span class="key target"></span>Target</span>\n    '
    )
    tones = timeline.tones
    out.extend(
        f'\n      <span><span class="key {tone}"></span>{name}</span>\n    ' for tone, name in LEGEND.items() if tone in tones
    )
    out.append(
        f'\n    <span class="chart-only"><span class="key today"></span>Today, {today}'
        f'{" (outside this range)" if today_x is None else ""}</span>\n'
        '  </p>\n</figure>'
    )
    return Markup("".join(out))


def _button(action: str, csrf: str, label: str, name: str, value: str, class_: str = "link", aria: str = "") -> str:
    """:func:`tracker.forms.widgets.confirm_button`'s HTML, for the values this page gives it
    (none of which needs escaping)."""
    described = f' aria-label="{aria}"' if aria else ""
    return (
        f'\n  <form method="post" action="{action}" class="inline">\n'
        f'    {csrf}\n'
        f'    <input type="hidden" name="{name}" value="{value}">\n'
        f'    <button type="submit" class="{class_}"{described}>{label}</button>\n'
        '  </form>\n'
    )


@pass_environment
def plan_steps(environment, view, look, confirm) -> Markup:
    """The plan's steps, each with its dates, its quick progress form and its tools (the ``<li>``
    blocks of the page's ``<ol class="milestones">``). ``confirm``: what gives the page's CSRF
    field (:data:`tracker.forms.CONFIRM`)."""
    plan = view.plan
    day = _days(view.today)
    csrf = escape(confirm.csrf_token)
    today_iso = view.today.isoformat()
    # The links are built once a page: url_for for each link of a dozen steps cost more than the steps.
    url_for = environment.globals["url_for"]  # the pages' own (tracker/views/template_urls.py)
    steps_url = f"{escape(url_for('plans.show', plan_id=plan.id))}/milestones/"
    new_url = f"{escape(url_for('plans.milestone_new', plan_id=plan.id))}?after="
    part_time = plan.pace == "part_time"
    dues = None  # read only if a step shows its due date
    current = look.current
    last = len(view.milestones) - 1
    out = []
    for index, (item, step_look) in enumerate(zip(view.milestones, look.steps)):
        m, s, step = item.milestone, item.schedule, item.step
        tone = step_look.tone
        is_current = current == index
        url = f"{steps_url}{m.id}"
        number = index + 1
        note = f'<p class="calm-note">{escape(step_look.note)}</p>' if step_look.note else ""
        edited = f" · edited (usually {escape(step.duration.label())})" if step and item.duration_edited else ""
        assumption = (
            f' · <span title="{escape(step.assumption_note)}">Duration is an assumption</span>'
            if step and step.assumption else ""
        )
        custom = ' · <span class="badge custom">Your milestone</span>' if item.is_custom else ""
        checklist = f" · checklist {item.checklist_done} of {item.checklist_total}" if item.checklist_total else ""
        done = s.state is StepState.DONE
        if done:
            started = f" (started {day(m.started_on)})" if m.started_on else ""
            when = f"\n          <dt>Done</dt><dd>{day(m.completed_on)}{started}</dd>\n        "
            undo = _button(f"{url}/undo", csrf, "Undo done", "from", "plan")
            progress = f'\n        <p class="quick">{undo}</p>\n      '
        else:
            if tone == "passed":
                when = ""
            else:
                if dues is None:
                    dues = view.dues
                due_on, means = dues[m.id]
                moved = "moved" if s.days_late > 0 else ""
                retake = f"<dt>Retake</dt><dd>{day(item.due_not_before)}</dd>" if item.due_not_before else ""
                when = (
                    f'\n          <dt>Projected</dt><dd class="{moved}">{day(s.projected_start)} → {day(s.projected_due)}</dd>\n'
                    f'          <dt>Due</dt><dd class="agenda-date" data-means="{means}">{day(due_on)} ({means_text(means)})</dd>\n'
                    f'          {retake}\n        '
                )
            start = (
                '<button type="submit" name="action" value="start" class="secondary small">Mark started</button>'
                if s.state is StepState.NOT_STARTED else ""
            )
            progress = (
                f'\n        <form method="post" action="{url}/progress" class="quick">\n'
                f'          {csrf}\n'
                '          <input type="hidden" name="from" value="plan">\n'
                f'          <label for="on-{m.id}" class="small">On</label>\n'
                f'          <input type="date" id="on-{m.id}" name="on" value="{today_iso}" max="{today_iso}" required>\n'
                f'          {start}\n'
                f'          <button type="submit" name="action" value="done" class="small{"" if is_current else " secondary"}">'
                'Mark done</button>\n'
                '        </form>\n      '
            )
        up = _button(f"{url}/move", csrf, "Move up", "direction", "up", "link small", f"Move up: step {number}") if index else ""
        down = add = ""
        if index != last:
            down = _button(f"{url}/move", csrf, "Move down", "direction", "down", "link small", f"Move down: step {number}")
            add = f'<a class="small" href="{new_url}{m.position}">Add a milestone after this step</a>'
        out.append(
            '\n    \n    \n'
            f'    <li id="m{m.id}" class="{tone}{" current" if is_current else ""}">\n'
            '      <div class="milestone-head">\n'
            f'        <h3><a href="{url}">{number}. {escape(m.title)}</a></h3>\n'
            '        <span>\n'
            f'  <span class="badge tone-{tone}">{escape(step_look.label)}</span>\n'
            '</span>\n'
            '      </div>\n'
            f'      {note}\n'
            '      <p class="small muted">\n'
            f'        {escape(str(item.duration))}{" part time" if part_time and step else ""}\n'
            f'        {edited}\n'
            f'        {assumption}\n'
            f'        {custom}\n'
            f'        {checklist}\n'
            '      </p>\n'
            '      <dl class="dates">\n'
            f'        <dt>Target</dt><dd>{day(s.target_start)} → {day(s.target_due)}</dd>\n'
            f'        {when}\n'
            '      </dl>\n'
            f'      {progress}\n'
            '      <div class="step-tools">\n'
            f'        {up}\n'
            f'        {down}\n'
            f'        {add}\n'
            '      </div>\n'
            '    </li>\n  '
        )
    return Markup("".join(out))
