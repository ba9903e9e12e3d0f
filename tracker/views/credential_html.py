"""Pieces of the credentials pages written in Python: a body's status badge, its cycle figures,
its next action, a credential's changes.

The overview and each body's page show every body's status and cycle figures: as Jinja macros (a
call, a dozen filters and escapes each) they were a fifth of the overview's time. These write the
same HTML, byte for byte, as the macros they replace (tests/test_credential_html.py renders those
macros and compares). Registered as template globals by :mod:`.credentials`.
"""
from __future__ import annotations

from flask import current_app
from markupsafe import Markup, escape

from .filters import ceus, day


def cycle_status(standing) -> Markup:
    """One status per body, loud (red) only when the credential is overdue, inactive or lapsed:
    "at risk" is amber (act soon), "behind pace" calm blue, the rest green (the CSS says how)."""
    return Markup(f'\n  <span class="badge big status-{escape(standing.status)}">{escape(standing.label)}</span>\n')


# Amounts ("12.5", "—") and dates ("Jun 30, 2028") hold nothing to escape: written as they are.
_amount = ceus


def cycle_numbers(standing) -> Markup:
    """A cycle's figures: required, earned, still needed, days left, the subsets and CEUs per
    credential, and the paces while it runs."""
    t = standing.tally
    required, earned = _amount(t.required), _amount(t.earned)
    days_left = standing.days_left
    parts = [
        '\n  \n  <div class="summary four">\n'
        f'    <div class="stat"><span class="label">Required</span><span class="value">{required}</span><span class="sub">CEUs this cycle</span></div>\n'
        f'    <div class="stat"><span class="label">Earned</span><span class="value">{earned}</span><span class="sub">that count</span></div>\n'
        f'    <div class="stat"><span class="label">Still needed</span><span class="value">{_amount(t.needed)}</span><span class="sub">CEUs</span></div>\n'
        f'    <div class="stat"><span class="label">{"Days left" if days_left >= 0 else "Days late"}</span>'
        f'<span class="value">{abs(days_left)}</span><span class="sub">due {day(t.cycle.end)}</span></div>\n'
        '  </div>\n'
        f'  <progress class="meter" value="{min(t.earned, t.required)}" max="{t.required or 1}" '
        f'aria-label="CEUs earned of required">{earned} of {required}</progress>\n  '
    ]
    for s in t.subsets:
        code, label = escape(s.code), escape(s.label)
        s_earned, s_required = _amount(s.earned), _amount(s.required)
        to_go = f" · {_amount(s.needed)} to go" if s.needed else " · met"
        parts.append(
            f'\n    <p class="small subset"><strong>{code} {label}</strong>: {s_earned} of {s_required}{to_go}</p>\n'
            f'    <progress class="meter thin" value="{min(s.earned, s.required)}" max="{s.required}" '
            f'aria-label="{code} {label} CEUs">{s_earned} of {s_required}</progress>\n  '
        )
    parts.append("\n  ")
    for code, amount in t.by_credential:
        parts.append(f'\n    <p class="small subset">{escape(code)}: {_amount(amount)} CEUs assigned</p>\n  ')
    parts.append("\n  ")
    if standing.pace_needed is not None:
        parts.append(
            '\n    <dl class="facts">\n'
            f'      <dt>Pace that finishes on time</dt><dd>{_amount(standing.pace_needed)} CEUs a month</dd>\n'
            f'      <dt>Your pace so far</dt><dd>{_amount(standing.pace_so_far)} CEUs a month</dd>\n'
            '    </dl>\n  '
        )
    parts.append("\n")
    return Markup("".join(parts))


def next_action(overview, standing, rules) -> Markup:
    """The one next action for a body's cycle, as its primary button: record the submission of
    CEUs met after the due date, else log a CEU (toward the body's first credential where each
    CEU counts toward one)."""
    url_for = current_app.jinja_env.globals["url_for"]  # the templates' (its links remembered)
    if (rules.requires_submission and standing.status in ("overdue", "inactive") and not standing.submitted_on
            and standing.tally.needed == 0):
        link = escape(url_for("credentials.body", body=rules.id))
        return Markup(f'\n  \n    <a class="button" href="{link}#submission">Record your submission</a>\n  \n')
    toward = f"{rules.id}:{overview.credentials[0].code}" if rules.one_credential_per_activity else rules.id
    link = escape(url_for("credentials.new_ceu", counts_toward=toward))
    return Markup(f'\n  \n    <a class="button" href="{link}">Log a CEU</a>\n  \n')


# What the credential_changes_html macro writes for a credential with no changes (most of them).
_NO_CHANGES = Markup("\n  \n  \n  \n")


def credential_changes(c, conversion, replacement, confirm_form) -> Markup:
    """A credential's changes (converted from its apprentice designation, replaced by another, or
    the button that converts it): the macro's blank output written here for the many credentials
    without any, the macro for the others."""
    if not (c.converted_from or replacement or conversion):
        return _NO_CHANGES
    macros = current_app.jinja_env.get_template("credentials/_macros.html").module
    return macros.credential_changes_html(c, conversion, replacement, confirm_form)
