"""Errors that services raise and every edge (form, JSON, CLI) maps in its own way."""
from __future__ import annotations


class NotFound(LookupError):
    """No such object for this user (another user's object is reported the same way)."""


class Invalid(ValueError):
    """Input that breaks a rule: ``field`` names the input, ``message`` is a sentence for a person."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
