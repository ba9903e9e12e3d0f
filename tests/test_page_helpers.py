"""Small helpers every page uses, made cheap without changing a character of what they render."""
from __future__ import annotations

from decimal import Decimal

from flask import render_template_string

from tracker.forms import CONFIRM, ConfirmForm


def test_the_page_confirm_field_is_the_confirm_forms_field(app):
    with app.test_request_context("/"):
        assert str(CONFIRM.csrf_token) == str(ConfirmForm().csrf_token)
        rendered = render_template_string("{{ c.csrf_token }}", c=CONFIRM)
        assert rendered == str(ConfirmForm().csrf_token)
        assert rendered.startswith('<input id="csrf_token" name="csrf_token" type="hidden" value="')


def test_a_button_rendered_with_the_page_confirm_field_posts(app, browser):
    from builders import signed_in
    from support import Browser

    signed_in(browser, email="buttons@example.com")
    page = browser.get("/settings/calendar")  # its buttons carry CONFIRM's field, nothing else
    token = Browser.TOKEN.search(page.get_data(as_text=True)).group(1)
    answer = browser.post("/settings/calendar-feed", {"csrf_token": token, "action": "on"}, csrf=False)
    assert answer.status_code == 302
    refused = browser.post("/settings/calendar-feed", {"csrf_token": token[:-2] + "xx", "action": "on"}, csrf=False)
    assert refused.status_code == 400


def test_ceu_amounts_read_as_the_pages_always_showed_them(app):
    source = "{{ ceus(v) }}"
    with app.test_request_context("/"):
        for value, shown in [(Decimal("40.00"), "40"), (Decimal("12.50"), "12.5"), (Decimal("0.25"), "0.25"),
                             (Decimal("0.00"), "0"), (Decimal("100"), "100"), (None, "—")]:
            assert render_template_string(source, v=value) == shown


def test_confirm_buttons_are_written_as_the_macro_wrote_them(app):
    """The HTML below is what the templates' confirm_button macro rendered (captured before it
    became a Python function), with the token in its place."""
    from tracker.forms import CONFIRM

    with app.test_request_context("/"):
        token = str(CONFIRM.csrf_token)
        moved = render_template_string(
            '[{{ confirm_button(u, "Move up", c, class="link small", extra={"direction": "up", "x": "<&>"}, '
            'aria_label="Move up: step 2") }}]', u="/plans/1/m?x=1&y=2", c=CONFIRM)
        assert moved == (
            '[\n  <form method="post" action="/plans/1/m?x=1&amp;y=2" class="inline">\n'
            f"    {token}\n"
            '    <input type="hidden" name="direction" value="up"><input type="hidden" name="x" value="&lt;&amp;&gt;">\n'
            '    <button type="submit" class="link small" aria-label="Move up: step 2">Move up</button>\n  </form>\n]'
        )
        plain = render_template_string('[{{ confirm_button(u, "Put <b>", c) }}]', u="/p", c=ConfirmForm())
        assert plain == (
            '[\n  <form method="post" action="/p" class="inline">\n'
            f"    {token}\n    \n"
            '    <button type="submit" class="link">Put &lt;b&gt;</button>\n  </form>\n]'
        )
        # Numbers as hidden values, and an empty extra, as Jinja wrote them.
        numbered = render_template_string('{{ confirm_button("/a", "Go", c, extra={"n": 3}, class="button") }}', c=CONFIRM)
        assert '<input type="hidden" name="n" value="3">' in numbered and 'class="button">Go</button>' in numbered
        assert render_template_string('{{ confirm_button("/a", "Go", c, extra={}) }}', c=CONFIRM) == \
            render_template_string('{{ confirm_button("/a", "Go", c) }}', c=CONFIRM)


def test_each_request_gets_its_own_confirm_field(app):
    """The field is written once per request and kept for that request only."""
    tokens = []
    for _ in range(2):
        with app.test_request_context("/"):
            first = str(CONFIRM.csrf_token)
            assert str(CONFIRM.csrf_token) == first == str(ConfirmForm().csrf_token)
            tokens.append(first)
    assert tokens[0] != tokens[1]  # a new session each time: a new token, not the last request's


def test_certainty_notes_are_written_as_the_macro_wrote_them(app):
    """certainty() replaced the macro of templates/credentials/_macros.html; this is that macro,
    rendered beside it for every confidence, with and without a body, and a body to escape."""
    macro = (
        "{% macro certainty(confidence, body=None) -%}"
        "  {%- if confidence == 'low' %}<span class=\"certainty\">({{ body or 'The certifying body' }} does not publish this; Rungs estimates it.)</span>"
        "  {%- elif confidence == 'unknown' %}<span class=\"certainty\">({{ body or 'The certifying body' }} does not publish this; your account there shows it.)</span>"
        "  {%- endif %}"
        "{%- endmacro %}"
    )
    with app.test_request_context("/"):
        template = app.jinja_env.from_string(
            macro + "{% for c, b in cases %}[{{ certainty(c, b) }}]{% endfor %}|{% for c, b in cases %}[{{ global_certainty(c, b) }}]{% endfor %}")
        from tracker.views.filters import certainty

        cases = [(c, b) for c in ("high", "medium", "low", "unknown", None, "") for b in (None, "", "AAPC", "A&B <body>")]
        old, new = template.render(cases=cases, global_certainty=certainty).split("|")
    assert old == new
    assert new.count("does not publish this") == 8 and "A&amp;B &lt;body&gt;" in new
