"""Errors that services raise and every edge (form, JSON, CLI) maps in its own way.

They are the domain's (:mod:`tracker.domain.errors`), one family under :class:`DomainError`;
importable from here too, where the services and edges have always found them.
"""
from __future__ import annotations

from ..domain.errors import DomainError, Invalid, NotFound

__all__ = ["DomainError", "Invalid", "NotFound"]
