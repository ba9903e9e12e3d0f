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
