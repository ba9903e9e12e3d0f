"""The limits of what Rungs accepts, defined once: forms (tracker/forms.py), API schemas
(tracker/api/schemas.py), import (tracker/services/portability.py) and URLs use these.

Values past them are refused with a message at the edge, never stored and never a 500.
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

# Ids are 32-bit integers (INTEGER in PostgreSQL and SQLite): a larger one cannot exist, and
# asking the database for it would fail. URLs with one answer 404.
MAX_ID = 2**31 - 1

# Dates anyone enters (start dates, exam days, CEU dates, cycle ends): anything outside is a typo,
# and the plan arithmetic (years added, cycles stepped) stays far from year 1 and year 9999.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)
DATE_MESSAGE = "Use a date from 1900 to 2199."

# Whole numbers in forms (durations, months, counts): the services narrow them further.
MAX_WHOLE_NUMBER = 10**9
WHOLE_NUMBER_MESSAGE = f"Use a number from {-MAX_WHOLE_NUMBER:,} to {MAX_WHOLE_NUMBER:,}."
NUMBER_MESSAGE = "Enter a number, like 1.5."

CONTROL_MESSAGE = "Control characters (like NUL) are not allowed."
UNICODE_MESSAGE = "Invalid Unicode."
# Tabs and line breaks are fine in text that spans lines (notes, descriptions).
MULTILINE_ALLOWED = "\t\n\r"


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` cannot be stored (a control character, a lone surrogate), or None."""
    allowed = MULTILINE_ALLOWED if multiline else ""
    for ch in text:
        code = ord(ch)
        if (code < 32 and ch not in allowed) or code == 127:
            return CONTROL_MESSAGE
        if 0xD800 <= code <= 0xDFFF:
            return UNICODE_MESSAGE
    return None


def date_problem(day: dt.date) -> str | None:
    """Why ``day`` is refused (outside EARLIEST..LATEST), or None."""
    return None if EARLIEST <= day <= LATEST else DATE_MESSAGE


def number_problem(value: float | Decimal) -> str | None:
    """Why a decimal number is refused (Infinity, NaN), or None."""
    finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
    return None if finite else NUMBER_MESSAGE


def whole_number_problem(value: int) -> str | None:
    return None if -MAX_WHOLE_NUMBER <= value <= MAX_WHOLE_NUMBER else WHOLE_NUMBER_MESSAGE

# Certificates (PDF, PNG, JPEG): the largest file stored or read (config CERTIFICATE_MAX_BYTES
# defaults to it), and the certificate reader's limits (tracker/reading): a certificate has a
# page or two, and a phone photo has some 12 million pixels.
CERTIFICATE_MAX_BYTES = 10 * 1024 * 1024
READER_MAX_PAGES = 10
READER_MAX_PIXELS = 50_000_000
# A photo takes some 3 s of CPU; the limit leaves room for a busy machine, and still ends a hang.
READER_SECONDS = 60.0
# The API reads on the request: within gunicorn's 30 s worker timeout (gunicorn.conf.py).
READER_API_SECONDS = 25.0
