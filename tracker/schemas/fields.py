"""Field types that read their limits from :mod:`tracker.domain.limits`."""
from __future__ import annotations

import datetime as dt
import re

from marshmallow import Schema, ValidationError, fields, validate

from ..domain import limits
from ..domain.limits import EARLIEST, LATEST

# JSON Schema for the rule limits.text_problem enforces (OpenAPI 3.0 patterns are ECMA-262).
SINGLE_LINE = "^[^\\u0000-\\u001f\\u007f]*$"
MULTI_LINE = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"
# A date exactly as Rungs writes one (an export file): 2027-01-04, never 20270104 or 2027-1-4.
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def described(kwargs: dict, rule: str) -> dict:
    """``kwargs`` with ``rule`` added to the field's description in the OpenAPI document."""
    metadata = dict(kwargs.pop("metadata", None) or {})
    metadata["description"] = f"{metadata['description']} {rule}" if metadata.get("description") else rule
    kwargs["metadata"] = metadata
    return kwargs


class Day(fields.Date):
    """An ISO 8601 date (YYYY-MM-DD) between 1900 and 2199: anything else is a typo.

    With ``iso_only`` (set when a file is read) only the form 2027-01-04 is a date, and a day
    that does not exist (2026-02-30) is told apart from text that is no date at all.
    """

    iso_only = False
    default_error_messages = {"not_real": "{value} is not a real date."}

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=EARLIEST, max=LATEST, error=limits.DATE_MESSAGE))
        super().__init__(**described(kwargs, f"A date from {EARLIEST} to {LATEST}."))

    def _deserialize(self, value, attr, data, **kwargs):
        if not self.iso_only:
            return super()._deserialize(value, attr, data, **kwargs)
        if not isinstance(value, str) or not ISO_DAY.fullmatch(value):
            raise self.make_error("invalid")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise self.make_error("not_real", value=value) from None


class Text(fields.String):
    """Text without control characters (tabs and newlines allowed in longer text).

    ``null_is_empty`` (set when a file is read, for text whose absence means empty): null is
    read as empty text, as files from older versions may write it.
    """

    null_is_empty = False

    def __init__(self, *, multiline: bool = False, max_length: int | None = None, **kwargs):
        self.multiline = multiline
        checks = [validate.Length(max=max_length, error=limits.too_long(max_length))] if max_length else []
        rule = ("No control characters except tab and line breaks." if multiline
                else "No control characters (NUL, tab, line breaks...).")
        kwargs = described(kwargs, rule)
        kwargs["metadata"]["pattern"] = MULTI_LINE if multiline else SINGLE_LINE
        super().__init__(validate=checks, **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value is None and self.null_is_empty:
            return ""
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        problem = limits.text_problem(text, multiline=self.multiline)
        if problem:
            raise ValidationError(problem)
        return text


class CeuAmount(fields.Float):
    """CEUs as a number from 0 to :data:`~tracker.domain.limits.MAX_CEUS` (``positive``: more than 0)."""

    def __init__(self, *, positive: bool = False, **kwargs):
        kwargs.setdefault("validate", validate.Range(min=0, max=float(limits.MAX_CEUS), min_inclusive=not positive))
        super().__init__(allow_nan=False, **kwargs)


class Strict(Schema):
    """Refuses unknown fields (marshmallow's default), named here for readers of the API."""
