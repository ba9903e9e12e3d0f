"""Durations of plan steps in calendar units (days, weeks, months).

Months are calendar months: a step that starts on 31 January and lasts one month is due on the
last day of February (clamped to the month end, as python-dateutil's relativedelta does).
"""
from __future__ import annotations

import calendar
import datetime as dt
import enum
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Average days in a month (365.25 / 12), used only to turn a fractional number of months into days
# when a pace factor does not give a whole number of months.
DAYS_PER_MONTH = Decimal("30.4375")


class Unit(str, enum.Enum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"

    def label(self, amount: int) -> str:
        """'1 month', '2 weeks', '0 days'."""
        word = self.value[:-1] if amount == 1 else self.value
        return f"{amount} {word}"


def add_months(start: dt.date, months: int) -> dt.date:
    """``start`` moved by whole calendar months, the day clamped to the month's end (Jan 31 + 1
    month = Feb 28/29): relativedelta's rule, without building one for every step of every plan."""
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Duration:
    """A whole number of days, weeks or months; never negative."""

    amount: int
    unit: Unit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"duration amount must be a whole number, got {self.amount!r}")
        if self.amount < 0:
            raise ValueError(f"a duration cannot be negative (got {self.amount})")
        object.__setattr__(self, "unit", Unit(self.unit))

    def add_to(self, start: dt.date) -> dt.date:
        """The date this duration after ``start`` (month ends clamp: Jan 31 + 1 month = Feb 28/29)."""
        if self.unit is Unit.MONTHS:
            return add_months(start, self.amount)
        days = self.amount * 7 if self.unit is Unit.WEEKS else self.amount
        return start + dt.timedelta(days=days)

    def scaled(self, factor: float | Decimal) -> Duration:
        """This duration times a pace factor (part time is slower).

        A whole result keeps its unit (6 months x 2 = 12 months); a fractional one becomes days,
        rounded half up (1 month x 1.5 = 46 days, 3 weeks x 1.5 = 32 days).
        """
        factor = Decimal(str(factor))
        if factor < 0:
            raise ValueError(f"a pace factor cannot be negative (got {factor})")
        scaled = Decimal(self.amount) * factor
        if scaled == scaled.to_integral_value():
            return Duration(int(scaled), self.unit)
        per_unit = {Unit.DAYS: Decimal(1), Unit.WEEKS: Decimal(7), Unit.MONTHS: DAYS_PER_MONTH}[self.unit]
        days = (scaled * per_unit).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return Duration(int(days), Unit.DAYS)

    def __str__(self) -> str:
        return self.unit.label(self.amount)
