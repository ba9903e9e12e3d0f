"""Reading data files in plans/ with messages that name the file, the field and the problem.

Every data file (pathway templates, the career ladder, credential rules) is a TOML table.
A :class:`Reader` walks one table and remembers where it is, so that a bad value fails with one
line such as ``plans/cpc.toml: steps[2].duration.unit: must be one of days, weeks, months (got
'fortnights')``. No Flask import: the catalog is plain data.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

_MISSING: Any = object()


class CatalogError(Exception):
    """A data file in plans/ is malformed: which file, which field, what is wrong."""

    def __init__(self, file: str, field: str, problem: str):
        super().__init__(file, field, problem)
        self.file = file
        self.field = field
        self.problem = problem

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.problem}"


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class Reader:
    """Typed access to one TOML table; every accessor raises :class:`CatalogError` on bad input."""

    def __init__(self, data: Any, file: str, path: str = ""):
        self.file = file
        self.path = path
        if not isinstance(data, Mapping):
            self.fail("", f"must be a table (got {_describe(data)})")
        self.data: Mapping[str, Any] = data

    # -- errors ----------------------------------------------------------------------------
    def field(self, key: str) -> str:
        """The dotted path of ``key`` inside the file, e.g. ``steps[2].duration``."""
        if not key:
            return self.path
        return f"{self.path}.{key}" if self.path else key

    def fail(self, key: str, problem: str) -> NoReturn:
        raise CatalogError(self.file, self.field(key), problem)

    def check(self, condition: bool, key: str, problem: str) -> None:
        if not condition:
            self.fail(key, problem)

    def reject_unknown(self, allowed: Iterable[str]) -> None:
        """Refuse keys the schema does not know, so that a typo is not silently ignored."""
        allowed = set(allowed)
        for key in self.data:
            if key not in allowed:
                self.fail(key, f"unknown field (expected one of {', '.join(sorted(allowed))})")

    # -- scalars ---------------------------------------------------------------------------
    def _get(self, key: str, default: Any) -> Any:
        if key in self.data:
            return self.data[key]
        if default is _MISSING:
            self.fail(key, "is required")
        return default

    def has(self, key: str) -> bool:
        return key in self.data

    def text(
        self,
        key: str,
        default: Any = _MISSING,
        *,
        pattern: str | None = None,
        choices: Iterable[str] | None = None,
        allow_empty: bool = False,
    ) -> Any:
        value = self._get(key, default)
        if value is default and key not in self.data:
            return value
        if not isinstance(value, str):
            self.fail(key, f"must be text (got {_describe(value)})")
        value = value.strip()
        if not value and not allow_empty:
            self.fail(key, "must not be empty")
        if choices is not None:
            choices = list(choices)
            if value not in choices:
                self.fail(key, f"must be one of {', '.join(choices)} (got {_describe(value)})")
        if pattern is not None and not re.fullmatch(pattern, value):
            self.fail(key, f"must match {pattern} (got {_describe(value)})")
        return value

    def integer(
        self,
        key: str,
        default: Any = _MISSING,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> Any:
        value = self._get(key, default)
        if value is default and key not in self.data:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"must be a whole number (got {_describe(value)})")
        self._bounds(key, value, minimum, maximum)
        return value

    def number(
        self,
        key: str,
        default: Any = _MISSING,
        *,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> Any:
        value = self._get(key, default)
        if value is default and key not in self.data:
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(key, f"must be a number (got {_describe(value)})")
        self._bounds(key, value, minimum, maximum)
        return value

    def _bounds(self, key: str, value: float, minimum: float | None, maximum: float | None) -> None:
        if minimum is not None and value < minimum:
            self.fail(key, f"must be at least {minimum} (got {value})")
        if maximum is not None and value > maximum:
            self.fail(key, f"must be at most {maximum} (got {value})")

    def flag(self, key: str, default: Any = _MISSING) -> Any:
        value = self._get(key, default)
        if value is default and key not in self.data:
            return value
        if not isinstance(value, bool):
            self.fail(key, f"must be true or false (got {_describe(value)})")
        return value

    def day(self, key: str, default: Any = _MISSING) -> Any:
        """A date, written as a TOML date (2025-01-01) or an ISO string."""
        value = self._get(key, default)
        if value is default and key not in self.data:
            return value
        if isinstance(value, dt.datetime):
            self.fail(key, f"must be a date without a time (got {value.isoformat()})")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(key, f"must be a date like 2025-01-31 (got {_describe(value)})")

    def texts(self, key: str, default: Any = _MISSING) -> Any:
        """A list of non-empty strings, returned as a tuple."""
        value = self._get(key, default)
        if value is default and key not in self.data:
            return value
        if not isinstance(value, list):
            self.fail(key, f"must be a list of text (got {_describe(value)})")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.fail(f"{key}[{index}]", f"must be non-empty text (got {_describe(item)})")
            items.append(item.strip())
        return tuple(items)

    # -- nested tables ---------------------------------------------------------------------
    def table(self, key: str, default: Any = _MISSING) -> Any:
        value = self._get(key, default)
        if value is default and key not in self.data:
            return value
        return Reader(value, self.file, self.field(key))

    def tables(self, key: str, default: Any = _MISSING, *, min_items: int = 0) -> Any:
        """An array of tables (``[[steps]]``), each as a Reader with an indexed path."""
        value = self._get(key, default)
        if value is default and key not in self.data:
            return value
        if not isinstance(value, list):
            self.fail(key, f"must be a list of tables (got {_describe(value)})")
        if len(value) < min_items:
            self.fail(key, f"must have at least {min_items} item(s) (got {len(value)})")
        return [Reader(item, self.file, f"{self.field(key)}[{index}]") for index, item in enumerate(value)]
