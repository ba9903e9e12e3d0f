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
    rows = [(row, escape(row.title)) for row in timeline.rows]
    today = day(timeline.today)
    return Markup(_chart(view, look, timeline, day, title, rows) + _row_list(timeline, day, title, rows, today)
                  + _legend(timeline, today))


def _chart(view, look, timeline, day, title, rows) -> str:
    """The timeline's SVG (wide screens): month ticks, a target and a projected bar per step, today."""
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
    if timeline.today_x is not None:
        out.append(
            '\n      <g class="today">\n'
            f'        <line x1="{timeline.today_x}%" x2="{timeline.today_x}%" y1="20" y2="{height}"/>\n'
            '      </g>\n    '
        )
    out.append("\n  </svg>\n  </div>\n")
    return "".join(out)


def _row_list(timeline, day, title, rows, today: str) -> str:
    """The same rows as a list (phones), with today's place among them."""
    today_mark = f'<li class="today-mark"><span>Today, {today}</span></li>'
    out = [
        f'  <div class="timeline-list" role="group" aria-label="Timeline of {title}, step by step">\n'
        '  <ol>\n    '
    ]
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
    out.append(f'\n    {today_mark if today_row is None else ""}\n  </ol>\n  </div>\n')
    return "".join(out)


def _legend(timeline, today: str) -> str:
    """The colours the timeline uses, and today's line."""
    tones = timeline.tones
    keys = "".join(
        f'\n      <span><span class="key {tone}"></span>{name}</span>\n    ' for tone, name in LEGEND.items() if tone in tones
    )
    return (
        '  <p class="legend">\n'
        f'    <span><span class="key target"></span>Target</span>\n    {keys}'
        f'\n    <span class="chart-only"><span class="key today"></span>Today, {today}'
        f'{" (outside this range)" if timeline.today_x is None else ""}</span>\n'
        '  </p>\n</figure>'
    )


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


class _StepsPage:
    """What every step block of one plan page shares, worked out once a page: the links (url_for
    for each link of a dozen steps cost more than the steps), the dates in words, the CSRF field."""

    def __init__(self, environment, view, look, confirm):
        plan = view.plan
        self.view, self.current, self.last = view, look.current, len(view.milestones) - 1
        self.day = _days(view.today)
        self.csrf = escape(confirm.csrf_token)
        self.today_iso = view.today.isoformat()
        url_for = environment.globals["url_for"]  # the pages' own (tracker/views/template_urls.py)
        self.steps_url = f"{escape(url_for('plans.show', plan_id=plan.id))}/milestones/"
        self.new_url = f"{escape(url_for('plans.milestone_new', plan_id=plan.id))}?after="
        self.part_time = plan.pace == "part_time"
        self._dues = None  # read only if a step shows its due date

    def due(self, milestone_id: int) -> tuple:
        if self._dues is None:
            self._dues = self.view.dues
        return self._dues[milestone_id]


@pass_environment
def plan_steps(environment, view, look, confirm) -> Markup:
    """The plan's steps, each with its dates, its quick progress form and its tools (the ``<li>``
    blocks of the page's ``<ol class="milestones">``). ``confirm``: what gives the page's CSRF
    field (:data:`tracker.forms.CONFIRM`)."""
    page = _StepsPage(environment, view, look, confirm)
    return Markup("".join(
        _step(page, index, item, step_look) for index, (item, step_look) in enumerate(zip(view.milestones, look.steps))
    ))


def _step(page: _StepsPage, index: int, item, step_look) -> str:
    """One step's ``<li>``: its title and badge, duration and notes, dates, progress form, tools."""
    m, step, day = item.milestone, item.step, page.day
    tone, number, url = step_look.tone, index + 1, f"{page.steps_url}{item.milestone.id}"
    note = f'<p class="calm-note">{escape(step_look.note)}</p>' if step_look.note else ""
    edited = f" · edited (usually {escape(step.duration.label())})" if step and item.duration_edited else ""
    assumption = (
        f' · <span title="{escape(step.assumption_note)}">Duration is an assumption</span>'
        if step and step.assumption else ""
    )
    custom = ' · <span class="badge custom">Your milestone</span>' if item.is_custom else ""
    checklist = f" · checklist {item.checklist_done} of {item.checklist_total}" if item.checklist_total else ""
    when, progress = _dates_and_progress(page, item, tone, url, page.current == index)
    return (
        '\n    \n    \n'
        f'    <li id="m{m.id}" class="{tone}{" current" if page.current == index else ""}">\n'
        '      <div class="milestone-head">\n'
        f'        <h3><a href="{url}">{number}. {escape(m.title)}</a></h3>\n'
        '        <span>\n'
        f'  <span class="badge tone-{tone}">{escape(step_look.label)}</span>\n'
        '</span>\n'
        '      </div>\n'
        f'      {note}\n'
        '      <p class="small muted">\n'
        f'        {escape(str(item.duration))}{" part time" if page.part_time and step else ""}\n'
        f'        {edited}\n'
        f'        {assumption}\n'
        f'        {custom}\n'
        f'        {checklist}\n'
        '      </p>\n'
        '      <dl class="dates">\n'
        f'        <dt>Target</dt><dd>{day(item.schedule.target_start)} → {day(item.schedule.target_due)}</dd>\n'
        f'        {when}\n'
        '      </dl>\n'
        f'      {progress}\n'
        f'{_tools(page, index, m, url)}'
        '    </li>\n  '
    )


def _dates_and_progress(page: _StepsPage, item, tone: str, url: str, is_current: bool) -> tuple[str, str]:
    """A step's dates after its target (done, or projected and due) and its progress form (undo,
    or start and done)."""
    m, s, day, csrf = item.milestone, item.schedule, page.day, page.csrf
    if s.state is StepState.DONE:
        started = f" (started {day(m.started_on)})" if m.started_on else ""
        undo = _button(f"{url}/undo", csrf, "Undo done", "from", "plan")
        return f"\n          <dt>Done</dt><dd>{day(m.completed_on)}{started}</dd>\n        ", f'\n        <p class="quick">{undo}</p>\n      '
    when = ""
    if tone != "passed":
        due_on, means = page.due(m.id)
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
    today_iso = page.today_iso
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
    return when, progress


def _tools(page: _StepsPage, index: int, m, url: str) -> str:
    """Move up, move down, and add a milestone after this step (none past the ends)."""
    number, csrf = index + 1, page.csrf
    up = _button(f"{url}/move", csrf, "Move up", "direction", "up", "link small", f"Move up: step {number}") if index else ""
    down = add = ""
    if index != page.last:
        down = _button(f"{url}/move", csrf, "Move down", "direction", "down", "link small", f"Move down: step {number}")
        add = f'<a class="small" href="{page.new_url}{m.position}">Add a milestone after this step</a>'
    return (
        '      <div class="step-tools">\n'
        f'        {up}\n'
        f'        {down}\n'
        f'        {add}\n'
        '      </div>\n'
    )
