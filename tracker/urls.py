"""URL converters: an id in a URL is a whole number from 1 to limits.MAX_ID, or the URL matches
no route (404, whatever the method). Without the bound, /plans/99999999999999999999 reached the
database, which cannot hold such a number, and answered 500."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from .domain.limits import MAX_ID


def up_to(limit: int) -> str:
    """A regular expression matching exactly the decimal numbers 1..``limit`` (no leading zeros).

    The bound lives in the pattern rather than in werkzeug's ``max``: a value refused after
    matching would make werkzeug answer 405 for methods other rules of the path allow."""
    digits = str(limit)
    length = len(digits)
    choices = [rf"[1-9]\d{{0,{length - 2}}}"] if length > 1 else []
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            rest = length - i - 1
            choices.append(f"{digits[:i]}[{low}-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    choices.append(digits)
    return "(?:" + "|".join(choices) + ")"


class BoundedInteger(IntegerConverter):
    """werkzeug's ``int`` converter, matching only 1..MAX_ID."""

    regex = up_to(MAX_ID)

    def __init__(self, map, fixed_digits=0, min=1, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
        self.regex = up_to(MAX_ID)


def register(app: Flask) -> None:
    """Before any route is added: every ``<int:...>`` is bounded."""
    app.url_map.converters["int"] = BoundedInteger
