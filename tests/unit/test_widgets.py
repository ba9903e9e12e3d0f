"""The forms' fast field HTML is exactly what WTForms' own widgets write, field for field."""
from __future__ import annotations

import inspect
import re

import pytest
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from wtforms import (
    DateField, DecimalField, EmailField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import Input, NumberInput

from tracker import forms
from tracker.forms.widgets import field_block, field_html

app = Flask(__name__)
app.config.update(SECRET_KEY="widgets", WTF_CSRF_ENABLED=True)


class Sample(forms.Form):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)], render_kw={"autocomplete": "off"})
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=2000)])
    on = DateField("On", validators=[DataRequired()])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    count = IntegerField("Count", validators=[NumberRange(min=1, max=12)])
    amount = DecimalField("Amount", places=2, widget=NumberInput(step="0.01", min=0))
    back = HiddenField()
    kind = SelectField("Kind", choices=[SelectChoice("a", "A & B"), SelectChoice("b", 'Quote "b"'), SelectChoice("", "None yet")])
    grouped = SelectField("Grouped", choices=[
        SelectChoice("x", "X", optgroup="Group 1"), SelectChoice("y", "Y", optgroup="Group <2>"),
        SelectChoice("z", "", optgroup="Group <2>"),
    ])
    many = SelectMultipleField("Many", choices=[SelectChoice("1", "One"), SelectChoice("2", "Two")])
    flag = SelectField("Flag", choices=[SelectChoice(True, "Yes", render_kw={"data_x": "1"}), SelectChoice(False, "No")],
                       coerce=lambda v: v in (True, "True"))


def _merged(field, attributes: dict) -> dict:
    """The keywords a widget gets: the field's render_kw, then the template's (WTForms' order)."""
    extra = getattr(field, "render_kw", None)
    return dict(extra, **attributes) if extra else dict(attributes)


def _wtforms(field, attributes: dict) -> str:
    return str(field.widget(field, **_merged(field, attributes)))


def _every_form_field():
    with app.test_request_context("/"):
        for name, form_class in inspect.getmembers(forms, inspect.isclass):  # every form the package exports
            if issubclass(form_class, forms.Form) and form_class is not forms.Form:
                for field in form_class():
                    yield pytest.param(form_class, field.name, id=f"{name}.{field.name}")


@pytest.mark.parametrize(("form_class", "name"), list(_every_form_field()))
def test_every_field_of_every_form_renders_as_wtforms_does(form_class, name):
    with app.test_request_context("/"):
        field = form_class()[name]
        for attributes in ({}, {"id": "other", "aria_describedby": "x-hint", "aria-invalid": "true"}, {"maxlength": False}):
            mine = field_html(field, _merged(field, attributes))
            assert mine is None or str(mine) == _wtforms(field, dict(attributes)), (name, attributes)


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=200, deadline=None)
@given(
    value=text,
    attributes=st.dictionaries(
        st.sampled_from(["class_", "data_auto_read", "aria_describedby", "placeholder", "required", "maxlength", "list", "inputmode", "value", "step"]),
        st.one_of(st.booleans(), text, st.integers(-5, 5)),
        max_size=4,
    ),
)
def test_any_value_and_attributes_render_as_wtforms_does(value, attributes):
    with app.test_request_context("/", method="POST", data={
        "title": value, "notes": value, "on": value, "email": value, "count": value, "amount": value, "back": value,
        "kind": value, "grouped": value, "many": [value, "2"], "flag": value,
    }):
        form = Sample()
        for field in form:
            mine = field_html(field, _merged(field, attributes))
            assert mine is not None, field.type  # every widget of this form takes the fast path
            assert str(mine) == _wtforms(field, dict(attributes)), (field.name, attributes)


def test_the_forms_render_their_fields_with_the_fast_html(monkeypatch):
    def not_used(**_kwargs):
        raise AssertionError("WTForms' widget machinery rendered a common field")

    with app.test_request_context("/"):
        form = Sample()
        expected = _wtforms(form.title, {"class_": "wide"})
        token = form.csrf_token.current_token
        monkeypatch.setattr(Input, "html_params", staticmethod(not_used))
        assert str(form.title(class_="wide")) == expected
        assert str(form.csrf_token) == f'<input id="csrf_token" name="csrf_token" type="hidden" value="{token}">'


# The pages' field macro as it was written in Jinja before it moved to Python (field_block): the
# two must show the same thing (whitespace aside) for every field, with errors, hints and ids.
JINJA_FIELD = """{% macro field(f, class="", hint=None, id=None) %}
  {% set fid = id or f.id %}
  {% set describedby = [] %}
  {% set limit = f.flags.maxlength if f.flags.maxlength and f.flags.maxlength >= 30 else None %}
  {% set hint = hint or f.description or '' %}
  {% if limit %}{% set hint = (hint ~ ' ' if hint else '') ~ 'Up to ' ~ '{:,}'.format(limit) ~ ' characters.' %}{% endif %}
  {% if hint %}{% set _ = describedby.append(fid ~ '-hint') %}{% endif %}
  {% if f.errors %}{% set _ = describedby.append(fid ~ '-error') %}{% endif %}
  <div class="field {{ class }} {% if f.errors %}has-error{% endif %}">
    {% if f.type in ('BooleanField',) %}
      <label class="check">{{ f(**({'aria-describedby': describedby|join(' ')} if describedby else {})) }} {{ f.label.text }}</label>
    {% elif f.type in ('RadioField', 'MultiCheckboxField') %}
      <fieldset {% if describedby %}aria-describedby="{{ describedby|join(' ') }}"{% endif %}>
        <legend>{{ f.label.text }}</legend>
        {% for option in f %}
          <label class="check">{{ option() }} {{ option.label.text }}</label>
        {% endfor %}
      </fieldset>
    {% else %}
      {{ f.label(for_=fid) }}
      {% set attrs = {'aria-describedby': describedby|join(' '), 'aria-invalid': 'true'} if f.errors else ({'aria-describedby': describedby|join(' ')} if describedby else {}) %}
      {% if limit %}{% set _ = attrs.update({'maxlength': False}) %}{% endif %}
      {{ f(id=fid, **attrs) }}
    {% endif %}
    {% if hint %}<p class="hint" id="{{ fid }}-hint">{{ hint }}</p>{% endif %}
    {% if f.errors %}<p class="error" id="{{ fid }}-error">{{ f.errors|join(' ') }}</p>{% endif %}
  </div>
{% endmacro %}"""


def _squeezed(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).replace("<fieldset >", "<fieldset>").strip()


@pytest.mark.parametrize(("form_class", "name"), list(_every_form_field()))
def test_every_field_block_shows_what_the_jinja_macro_showed(form_class, name):
    jinja = app.jinja_env.from_string(JINJA_FIELD).module.field
    with app.test_request_context("/"):
        field = form_class()[name]
        if getattr(field, "choices", ()) is None:
            field.choices = [SelectChoice("1", "A <1>"), SelectChoice("2", "B & 2")]
        cases = [{}, {"class_": "wide", "hint": "Say <why>.", "id": "other-id"}]
        for errors in ([], ["Too long & wrong.", "Second <problem>."]):
            field.errors = errors
            for case in cases:
                expected = jinja(field, case.get("class_", ""), case.get("hint"), case.get("id"))
                assert _squeezed(field_block(field, **case)) == _squeezed(expected), (name, errors, case)
