"""Form fields rendered to the same HTML as WTForms' own widgets, without their machinery.

A page with a dozen fields (and a CSRF token in every small form) spent a fifth of its time in
WTForms' rendering: its keyword merging, ``dir()`` over the field's flags, and one
``Markup.format`` per attribute. :func:`field_html` writes the common inputs (text, date, email,
number, hidden, file, textarea, select) directly, attribute for attribute as WTForms does (sorted,
``True`` bare, ``False`` left out, values escaped); the forms' ``Meta.render_field`` uses it, so
``{{ form.field }}`` and ``form.field(...)`` both get it. Any other widget, or a field with a data
list, is left to WTForms. ``tests/unit/test_widgets.py`` compares the two outputs.
"""
from __future__ import annotations

import functools

from markupsafe import Markup, escape
from wtforms import widgets

_INPUTS = (
    widgets.TextInput, widgets.DateInput, widgets.EmailInput, widgets.HiddenInput, widgets.SearchInput,
    widgets.TelInput, widgets.URLInput,
)


_OTHERS = (widgets.NumberInput, widgets.TextArea, widgets.Select, widgets.FileInput)


@functools.lru_cache(maxsize=512)  # a few dozen attribute names in all
def _key(key: str) -> str:
    key = key.rstrip("_")
    if key.startswith(("data_", "aria_")):
        key = key.replace("_", "-")
    return key


def _attributes(values: dict) -> str:
    return " ".join(
        _key(key) if value is True else f'{_key(key)}="{escape(value)}"'
        for key, value in sorted(values.items()) if value is not False
    )


def _flags(field, widget, values: dict) -> None:
    """WTForms' validation attributes (required, maxlength, min…) the field's validators set."""
    for name, value in vars(field.flags).items():
        if name in widget.validation_attrs and name not in values:
            values[name] = value() if callable(value) else value


def _option(choice) -> str:
    value = str(choice.value) if isinstance(choice.value, bool) else choice.value
    if not choice.render_kw:  # the usual option: its two attributes in _attributes' order, written directly
        return (f'<option {"selected " if choice.selected else ""}value="{escape(value)}">'
                f"{escape(choice.label or choice.value)}</option>")
    values = {"value": value, **choice.render_kw}
    if choice.selected:
        values["selected"] = True
    return f"<option {_attributes(values)}>{escape(choice.label or choice.value)}</option>"


def _select(field, widget, values: dict) -> Markup:
    """WTForms' Select: options, in their groups when the field has groups."""
    if widget.multiple:
        values["multiple"] = True
    _flags(field, widget, values)
    values["name"] = field.name
    html = [f"<select {_attributes(values)}>"]
    if field.has_groups():
        for group, choices in field._iter_groups_normalized():
            if group is not None:
                html.append(f"<optgroup {_attributes({'label': group})}>")
            html.extend(_option(choice) for choice in choices)
            if group is not None:
                html.append("</optgroup>")
    else:
        html.extend(_option(choice) for choice in field._iter_choices_normalized())
    html.append("</select>")
    return Markup("".join(html))


# The CSRF input last written: a page repeats the same one in each of its small forms (every
# button that changes something), so it is written once per page. One tuple, replaced whole, so
# threads never see a key with another key's HTML.
_last_csrf: tuple[tuple, Markup] | None = None


def _csrf_html(field) -> Markup:
    global _last_csrf
    key = (field.name, field.id, field.current_token)
    last = _last_csrf
    if last is not None and last[0] == key:
        return last[1]
    html = Markup(f"<input {_attributes({'id': field.id, 'name': field.name, 'type': 'hidden', 'value': field.current_token})}>")
    _last_csrf = (key, html)
    return html


def field_html(field, attributes: dict) -> Markup | None:
    """What ``field.widget(field, **attributes)`` gives, for the common widgets; None for the
    others (``attributes``: the render keywords, the field's ``render_kw`` already merged)."""
    widget = field.widget
    kind = type(widget)
    if not attributes and field.type == "CSRFTokenField" and kind is widgets.HiddenInput:
        return _csrf_html(field)
    if getattr(field, "_datalist", None) is not None or not (kind in _INPUTS or kind in _OTHERS):
        return None
    values = dict(attributes)
    values.setdefault("id", field.id)
    if kind is widgets.Select:
        return _select(field, widget, values)
    if kind is widgets.TextArea:
        _flags(field, widget, values)
        values["name"] = field.name
        return Markup(f"<textarea {_attributes(values)}>\r\n{escape(field._value())}</textarea>")
    if kind is widgets.NumberInput:
        for name in ("step", "min", "max"):
            if getattr(widget, name) is not None:
                values.setdefault(name, getattr(widget, name))
    elif kind is widgets.FileInput:  # no value: browsers ignore one on a file input
        values["value"] = False
        if widget.multiple:
            values["multiple"] = True
    values.setdefault("type", widget.input_type)
    if "value" not in values:
        values["value"] = field._value()
    _flags(field, widget, values)
    values["name"] = field.name
    return Markup(f"<input {_attributes(values)}>")


def field_block(field, class_: str = "", hint: str | None = None, id: str | None = None) -> Markup:
    """A field with its label, hint and errors tied to it (``aria-describedby``), as the pages'
    ``field`` macro shows every field; written here because the macro's logic, run in Jinja for
    each of a page's fields, cost more than the field itself.

    ``id`` renames a field whose default id is already used by another form on the page. A length
    limit of 30 characters or more is said in the hint, not enforced by ``maxlength`` (longer text
    reaches the server, which says what is too long)."""
    fid = id or field.id
    maxlength = field.flags.maxlength
    limit = maxlength if maxlength and maxlength >= 30 else None
    hint = hint or field.description or ""
    if limit:
        hint = (f"{hint} " if hint else "") + f"Up to {limit:,} characters."
    described = ([f"{fid}-hint"] if hint else []) + ([f"{fid}-error"] if field.errors else [])
    kind = field.type
    parts = [f'<div class="field {escape(class_)} {"has-error" if field.errors else ""}">']
    if kind == "BooleanField":
        attributes = {"aria-describedby": " ".join(described)} if described else {}
        parts.append(f'<label class="check">{field(**attributes)} {escape(field.label.text)}</label>')
    elif kind in ("RadioField", "MultiCheckboxField"):
        describedby = f' aria-describedby="{escape(" ".join(described))}"' if described else ""
        parts.append(f"<fieldset{describedby}>\n<legend>{escape(field.label.text)}</legend>")
        parts.extend(f'<label class="check">{option()} {escape(option.label.text)}</label>' for option in field)
        parts.append("</fieldset>")
    else:
        parts.append(f'<label for="{escape(fid)}">{escape(field.label.text)}</label>')  # WTForms' Label
        attributes = {"aria-describedby": " ".join(described)} if described else {}
        if field.errors:
            attributes["aria-invalid"] = "true"
        if limit:
            attributes["maxlength"] = False
        parts.append(str(field(id=fid, **attributes)))
    if hint:
        parts.append(f'<p class="hint" id="{escape(fid)}-hint">{escape(hint)}</p>')
    if field.errors:
        parts.append(f'<p class="error" id="{escape(fid)}-error">{escape(" ".join(field.errors))}</p>')
    parts.append("</div>")
    return Markup("\n".join(parts))


def confirm_button(action, label, confirm_form, extra=None, aria_label=None, **attributes) -> Markup:
    """A form of one button that posts to ``action`` with the page's CSRF field (``confirm_form``:
    a ConfirmForm or :data:`tracker.forms.CONFIRM`) and the ``extra`` hidden values; ``class``
    is the button's ("link" by default). The HTML the pages' Jinja macro wrote, character for
    character: a plan page shows a dozen of these, and the macro calls cost 8% of the page."""
    unknown = set(attributes) - {"class"}
    if unknown:
        raise TypeError(f"confirm_button() got unexpected arguments: {', '.join(sorted(unknown))}")
    hidden = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in extra.items()) if extra else ""
    described = f' aria-label="{escape(aria_label)}"' if aria_label else ""
    return Markup(
        f'\n  <form method="post" action="{escape(action)}" class="inline">\n'
        f"    {escape(confirm_form.csrf_token)}\n"
        f"    {hidden}\n"
        f'    <button type="submit" class="{escape(attributes.get("class", "link"))}"{described}>{escape(label)}</button>\n'
        "  </form>\n"
    )
