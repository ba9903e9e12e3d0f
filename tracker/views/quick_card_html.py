"""The quick-capture card ("Log a CEU", on the dashboard and each credential page), written in
Python: built as a WTForms form and rendered by Jinja, it was a fifth of the dashboard's time.

The card never posts its own form (a post is read with ``CeuForm`` in ``ceus.quick``), so it needs
no form instance per request. Its fields are the ``quick_fields`` macro's, the one the quick
capture page uses, rendered once per app from an empty ``QuickCeuForm`` (labels, hints, limits:
the form class's) with marks where each request's values go: the CSRF token, the date, the
"counts toward" choices and the two lists of suggestions, and kept cut at the marks. Each request
writes its values between the pieces, in the card's frame. Nothing kept depends on a user's data
(a change to the macro shows after a restart, as a change to this module does).

The HTML is what the templates wrote, byte for byte (``tests/test_quick_card_html.py`` renders
them from ``tests/reference_templates`` and compares).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup, escape

from ..domain.dates import long_date
from ..forms import CONFIRM, QuickCeuForm, options
from ..services.ceu_log import LastLogged, Suggestions

_KEY = "rungs.quick_card"
_MARK = f"rungs-quick-card-{secrets.token_hex(6)}"  # nothing a form or a user writes
CSRF, DATE, CHOICE, LABEL, TITLE, PROVIDER = (f"{_MARK}-{part}" for part in ("csrf", "date", "choice", "label", "title", "provider"))

# What the card template wrote before the card (its comment and import lines) and with no card.
_LEAD = "\n\n"


def suggesting(form) -> None:
    """The title and provider fields offer the user's own recent values as they type (a
    <datalist> each): the card's and the quick capture page's."""
    form.title.render_kw = {"list": "ceu-titles", "autocomplete": "off"}
    form.provider.render_kw = {"list": "ceu-providers", "autocomplete": "off"}


def starting_choice(values: list[str], toward: str | None) -> list[str]:
    """The "counts toward" value a new CEU starts on: ``toward`` when offered, else the first."""
    return [toward if toward in values else values[0]] if values else []


# The loops' items, as the macro writes them (checked against its output when compiled).
def _option(value: str, label: str, selected: bool) -> str:
    return f'<option value="{escape(value)}"{" selected" if selected else ""}>{escape(label)}</option>'


def _hidden(value: str) -> str:
    return f'<input type="hidden" name="counts_toward" value="{escape(value)}">'


def _suggestion(value: str) -> str:
    return f'<option value="{escape(value)}"></option>'


@dataclass(frozen=True)
class _Fields:
    """The macro's output cut at the marks: text, then a value, then text..."""

    parts: tuple[str, ...]
    date_format: str


class _BlankForm:
    """The empty card form as the macro reads it, its CSRF field a mark."""

    csrf_token = Markup(CSRF)

    def __init__(self, form):
        self._form = form

    def __getattr__(self, name):
        return getattr(self._form, name)


def _compile(several: bool) -> _Fields:
    """The macro's fields for an empty card (``several``: "counts toward" as a select), cut where
    each request's values go. The loops' items written here must be the macro's own: if the
    macro changes them, or a mark shows up twice, this says so rather than write another card."""
    form = QuickCeuForm(formdata=None, meta={"csrf": False})
    suggesting(form)
    form.completed_on.raw_data = [DATE]  # what the field shows as its value
    form.counts_toward.choices = options([(CHOICE, LABEL)])
    form.counts_toward.data = [CHOICE]
    macro = current_app.jinja_env.get_template("ceus/_quick_fields.html").module.quick_fields
    html = str(macro(_BlankForm(form), several, Suggestions(titles=[TITLE], providers=[PROVIDER])))
    parts = []
    for mark in (CSRF, DATE, _option(CHOICE, LABEL, True) if several else _hidden(CHOICE),
                 _suggestion(TITLE), _suggestion(PROVIDER)):
        before, found, html = html.partition(mark)
        if not found or _MARK in before:
            raise RuntimeError(f"templates/ceus/_quick_fields.html no longer writes {mark!r} where the card expects it")
        parts.append(before)
    if _MARK in html:
        raise RuntimeError("templates/ceus/_quick_fields.html writes a value of the card twice")
    parts.append(html)
    return _Fields(tuple(parts), form.completed_on.format[0])


def _fields(several: bool) -> _Fields:
    """The compiled fields, once per app (the macro is the app's template)."""
    compiled = current_app.extensions.get(_KEY)
    if compiled is None:
        compiled = current_app.extensions[_KEY] = {True: _compile(True), False: _compile(False)}
    return compiled[several]


def no_card() -> Markup:
    """What the card's place holds without a credential to log toward."""
    return Markup(_LEAD)


def card(choices: list[tuple[str, str]], toward: str | None, today, suggestions: Suggestions,
         latest: LastLogged | None, back: str) -> Markup:
    """The card: ``choices`` the (value, label) pairs of "counts toward" (at least one; several
    make a select), ``toward`` the one to start on, ``today`` the date it starts on, the user's
    ``suggestions``, the CEU logged last (or None), ``back`` the path to come back to."""
    url_for = current_app.jinja_env.globals["url_for"]  # the templates' (its links remembered)
    several = len(choices) > 1
    fields = _fields(several)
    selected = starting_choice([value for value, _label in choices], toward)
    if several:
        picked = "".join(_option(value, label, value in selected) for value, label in choices)
    else:
        picked = "".join(_hidden(value) for value, _label in choices)
    p = fields.parts
    back_html = escape(back)
    html = [
        _LEAD,
        '\n<section class="card ceu-quick" id="log-a-ceu" aria-labelledby="log-a-ceu-title">\n'
        '  <div class="spread">\n'
        '    <h2 id="log-a-ceu-title">Log a CEU</h2>\n'
        f'    <a class="small" href="{escape(url_for("ceus.log"))}">Your CEU log</a>\n'
        '  </div>\n'
        f'  <form method="post" action="{escape(url_for("ceus.quick"))}" enctype="multipart/form-data" novalidate>\n'
        f'    <input type="hidden" name="back" value="{back_html}">\n    ',
        p[0], CONFIRM.csrf_token, p[1], escape(today.strftime(fields.date_format)), p[2], picked, p[3],
        _suggestions(suggestions.titles), p[4], _suggestions(suggestions.providers), p[5],
        '\n    <button type="submit" class="ceu-quick-submit">Log CEU</button>\n'
        '  </form>\n  ',
    ]
    if latest:
        like = escape(url_for("ceus.quick", like=latest.id, back=back))
        html.append(
            f'\n    <p class="small ceu-quick-last">Last logged: “{escape(latest.title)}”, {escape(long_date(latest.completed_on))}.\n'
            f'      <a href="{like}">Log another like this</a></p>\n  '
        )
    html.append("\n</section>\n")
    return Markup("".join(html))


def _suggestions(values: list[str]) -> str:
    """The datalist's options: the values escaped in one go, joined by a NUL (a control character
    no text of Rungs holds: every way in refuses them), then cut there into options. Escaping
    each of thirty values on its own cost more than the rest of the card."""
    if not values:
        return ""
    text = "\0".join(values)
    if text.count("\0") != len(values) - 1:  # a NUL after all: one by one
        return "".join(_suggestion(value) for value in values)
    return '<option value="' + str(escape(text)).replace("\0", '"></option><option value="') + '"></option>'
