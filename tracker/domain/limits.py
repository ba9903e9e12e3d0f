"""The limits of what Rungs accepts, defined once: forms (tracker/forms/), the marshmallow field
types the API and import share (tracker/schemas/), import (tracker/services/portability/) and
URLs use these.

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


# -- lengths and amounts of what people type ------------------------------------------------------
# Each is read by the service that checks it, the form field (maxlength and its message), the API
# schema and import: one number, one message, everywhere.

PLAN_TITLE = 120
MILESTONE_TITLE = 200
MILESTONE_DESCRIPTION = 2000
NOTES = 10_000
CHECKLIST_LABEL = 200
COST_LABEL = 120
CEU_TITLE = 200
CEU_PROVIDER = 200
CEU_REFERENCE = 60  # an AAPC index number or AHIMA program id
CREDENTIAL_CODE = 12
CREDENTIAL_NAME = 120
OTHER_BODY = 60
EMAIL = 254
TOKEN_NAME = 80

# CEUs in one activity, and a first cycle's figure: anything above is a typo.
MAX_CEUS = Decimal("100")


def too_long(limit: int) -> str:
    """The message for text over ``limit`` characters (forms, services and the API say the same)."""
    return f"Use at most {limit:,} characters."


# -- CEU log, quick capture and audit packet (issue 16) --------------------------------------------
# A member number as the bodies print it (AAPC member ID, AHIMA ID); room for both, like
# "AAPC 01234567 · AHIMA 1234567".
MEMBER_NUMBER_MAX = 60
MEMBER_NUMBER_MESSAGE = f"Keep the member number to {MEMBER_NUMBER_MAX} characters."
# The CEU log page: a search is a few words, a page holds this many CEUs.
CEU_SEARCH_MAX = 200
CEU_LOG_PAGE_SIZE = 50
# Suggestions offered while logging a CEU (recent titles and providers of the user's own log).
CEU_SUGGESTIONS = 30


def member_number_problem(text: str) -> str | None:
    """Why a member number cannot be stored (too long, a control character), or None."""
    if len(text) > MEMBER_NUMBER_MAX:
        return MEMBER_NUMBER_MESSAGE
    return text_problem(text)

# -- teams (issue 17) -------------------------------------------------------------------------------
TEAM_NAME_MAX = 80
EMAIL_MAX = 254  # RFC 5321's limit on a forward path

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

# When money was (or will be) spent on a plan's step: a course paid some years back, an exam
# booked ahead. Relative to the person's today: 1900 and 2999 are typos, not costs.
COST_DATE_YEARS_BACK = 10
COST_DATE_YEARS_AHEAD = 2


def cost_date_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day a cost may be dated, as of ``today``."""
    def shifted(years: int) -> dt.date:
        try:
            return today.replace(year=today.year + years)
        except ValueError:  # Feb 29 in a year without one
            return today.replace(year=today.year + years, day=28)

    return shifted(-COST_DATE_YEARS_BACK), shifted(COST_DATE_YEARS_AHEAD)


def cost_date_problem(day: dt.date, today: dt.date) -> str | None:
    """Why a cost's date is refused (outside :func:`cost_date_range`), or None."""
    from .dates import human_date

    first, last = cost_date_range(today)
    if first <= day <= last:
        return None
    return f"Use a date from {human_date(first, today)} to {human_date(last, today)}."
