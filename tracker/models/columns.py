"""The column types the tables share: instants in UTC, and quantities in hundredths."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import DateTime, Integer, TypeDecorator


class UTCDateTime(TypeDecorator):
    """An instant stored in UTC that always comes back timezone-aware (SQLite returns naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs a timezone-aware datetime")
        value = value.astimezone(dt.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


class Hundredths(TypeDecorator):
    """A quantity with at most two decimals (CEUs), stored as an INTEGER count of hundredths
    (0.25 = 25): exact, and the same on SQLite and PostgreSQL. Python sees a Decimal, never the
    storage unit. Non-zero values come back normalized (1.50 as 1.5), as before this type."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int((Decimal(value) * 100).to_integral_value())

    def process_result_value(self, value, dialect):
        return None if value is None else (Decimal(value) / 100).normalize()
