"""The database schema, one module per subject. Created only by the migrations in migrations/
(flask db upgrade).

Every table is imported here, so ``db.metadata`` knows them all once ``tracker.models`` is imported,
and ``from tracker.models import X`` works for any of them.
"""
from __future__ import annotations

from ..domain.clock import utc_now as utcnow  # noqa: F401 (services/reminders/ imports it from here)
from .accounts import ApiToken, CalendarFeed, User, new_auth_secret
from .columns import Hundredths, UTCDateTime
from .credentials import CertificateRead, CeuActivity, Credential, CycleSubmission, RenewalSetup, ceu_credentials
from .ladder import ExperienceGap, FocusTick, LadderProfile
from .plans import ChecklistItem, Cost, ExamAttempt, Milestone, Plan
from .reminders import Reminder, ReminderPreference, WorkerStatus
from .teams import Team, TeamInvitation, TeamMembership

__all__ = [
    "ApiToken", "CalendarFeed", "CertificateRead", "CeuActivity", "ChecklistItem", "Cost", "Credential",
    "CycleSubmission", "ExamAttempt", "ExperienceGap", "FocusTick", "Hundredths", "LadderProfile", "Milestone",
    "Plan", "Reminder", "ReminderPreference", "RenewalSetup", "Team", "TeamInvitation", "TeamMembership",
    "User", "UTCDateTime", "WorkerStatus", "ceu_credentials", "new_auth_secret",
]
