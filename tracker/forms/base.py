"""What every form shares: the limits checked on every field, choices, the checkbox list."""
from __future__ import annotations

import datetime as dt

from flask import g
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup
from wtforms import DateField, DecimalField, IntegerField, PasswordField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from ..csrf import csrf_token
from ..domain import limits
from .widgets import field_html


class Form(FlaskForm):
    """Every form: text, dates and numbers within tracker/domain/limits.py, the same limits the API
    schemas and import use, checked for every field whatever else the form asks. A NUL, a control
    character, Infinity, NaN, year 1 or year 9999 gets a message on its field and is never stored.
    """

    class Meta:
        def render_field(self, field, render_kw):
            # WTForms' own merge, then the same HTML written without its widget machinery.
            extra = getattr(field, "render_kw", None)
            attributes = dict(extra, **render_kw) if extra else render_kw
            return field_html(field, attributes) or super().render_field(field, render_kw)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            problem = _limit_problem(field)
            if problem and problem not in field.errors:
                field.errors = [*field.errors, problem]
                valid = False
        return valid


def _limit_problem(field) -> str | None:
    if isinstance(field, FileField) or isinstance(field, PasswordField):
        return None  # files are checked by content; passwords are only ever hashed
    if isinstance(field, (DateField,)):
        return limits.date_problem(field.data) if isinstance(field.data, dt.date) else None
    if isinstance(field, DecimalField):
        return limits.number_problem(field.data) if field.data is not None else None
    if isinstance(field, IntegerField):
        return limits.whole_number_problem(field.data) if isinstance(field.data, int) else None
    # Text as sent (select fields too: their raw value is echoed back into the page).
    for value in field.raw_data or []:
        if isinstance(value, str):
            problem = limits.text_problem(value, multiline=isinstance(field, TextAreaField))
            if problem:
                return problem
    return None


def options(pairs, optgroup: str | None = None) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # Choices are the step's items; the service refuses ids that are not.
        pass


class ConfirmForm(Form):
    """A button that changes something: CSRF and nothing else."""


class PageConfirm:
    """What a page needs of :class:`ConfirmForm` to show its buttons: the same hidden CSRF field,
    without building a form on every view (WTForms' construction cost the credentials page 4%).
    Pages pass :data:`CONFIRM`; the posts the buttons send are still checked with ConfirmForm."""

    @property
    def csrf_token(self) -> Markup:
        # Written once per request (the token is the request's): a plan page shows a dozen buttons.
        field = g.get("_rungs_confirm_field")
        if field is None:
            field = g._rungs_confirm_field = Markup(
                '<input id="csrf_token" name="csrf_token" type="hidden" value="{}">').format(csrf_token())
        return field


CONFIRM = PageConfirm()
