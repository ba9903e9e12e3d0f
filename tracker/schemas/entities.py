"""What an API request and a part of the export document have in common: the same fields, read
with the same types and limits. The API's request schemas and the file's schemas extend these.

Only the parts whose fields match are here: the API takes a milestone's duration as two fields
where the file nests it, takes CEUs as a number where the file writes them as exact text, and
has no requests for costs, exam attempts or the ladder's gaps.
"""
from __future__ import annotations

from ..domain import limits
from .fields import Day, Strict, Text


class SubmissionFields(Strict):
    """A cycle's CEUs submitted (AAPC) or reported (AHIMA)."""

    body = Text(required=True, max_length=20, metadata={"description": "aapc or ahima."})
    cycle_end = Day(required=True, metadata={"description": "The end of the cycle submitted (its due date)."})
    submitted_on = Day(required=True, metadata={"description": "The day you submitted (AAPC) or reported (AHIMA)."})


class CredentialFields(Strict):
    """A credential held: its code in the catalogue and the day it was earned."""

    code = Text(required=True, max_length=limits.CREDENTIAL_CODE)
    earned_on = Day(required=True, metadata={"description": "Not in the future."})


class CeuFields(Strict):
    """A CEU activity: when, what and from whom."""

    completed_on = Day(required=True)
    title = Text(required=True, max_length=limits.CEU_TITLE)
    provider = Text(load_default="", max_length=limits.CEU_PROVIDER)
    reference = Text(load_default="", max_length=limits.CEU_REFERENCE)
