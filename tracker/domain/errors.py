"""The one family of errors the domain and the services raise, which every edge (form, JSON, CLI)
maps in its own way: catch :class:`DomainError` for any of them."""
from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse; the base of every error raised on purpose below the edges."""


class NotFound(DomainError, LookupError):
    """No such object for this user (another user's object is reported the same way)."""


class Invalid(DomainError, ValueError):
    """Input that breaks a rule: ``field`` names the input, ``message`` is a sentence for a person."""

    def __init__(self, field: str, message: str):
        super().__init__(field, message)  # both in args, so the error survives pickling
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"
