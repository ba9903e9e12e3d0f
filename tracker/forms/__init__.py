"""WTForms forms: shape and format only; the rules live in domain/ and services/.

One module per subject; every form is imported here, so ``from tracker.forms import X`` works.
"""
from __future__ import annotations

from .accounts import (
    ChangePasswordForm, DeleteAccountForm, EmailAddress, EmailChangeForm, FinishSignUpForm, ImportForm, LoginForm,
    ProfileForm, RegisterForm, ResetPasswordForm, ResetRequestForm, TokenForm, zone_choices,
)
from .base import CONFIRM, ConfirmForm, Form, MultiCheckboxField, options
from .career import CareerStageForm, GapForm, GapPlanForm, LadderProfileForm, PlaceForm
from .credentials import (
    MONTH_CHOICES, ApprenticeForm, CertificateReadForm, CeuForm, CeuLogFilterForm, CredentialEditForm, CredentialForm,
    QuickCeuForm, RenewalSetupForm, SubmissionForm,
)
from .plans import (
    PACE_CHOICES, UNIT_CHOICES, ChecklistForm, ChecklistItemForm, CostForm, CustomMilestoneForm, DurationForm,
    EditPlanForm, ExamAttemptForm, NewPlanForm, NotesForm, ProgressForm, RenameForm,
)
from .reminders import WEEKDAYS, ReminderPreferencesForm
from .teams import InviteForm, RoleForm, SharingForm, TeamForm

__all__ = [
    "CONFIRM", "MONTH_CHOICES", "PACE_CHOICES", "UNIT_CHOICES", "WEEKDAYS",
    "ApprenticeForm", "CareerStageForm", "CertificateReadForm", "CeuForm", "CeuLogFilterForm", "ChangePasswordForm",
    "ChecklistForm", "ChecklistItemForm", "ConfirmForm", "CostForm", "CredentialEditForm", "CredentialForm",
    "CustomMilestoneForm", "DeleteAccountForm", "DurationForm", "EditPlanForm", "EmailAddress", "EmailChangeForm",
    "ExamAttemptForm", "FinishSignUpForm", "Form", "GapForm", "GapPlanForm", "ImportForm", "InviteForm",
    "LadderProfileForm", "LoginForm", "MultiCheckboxField", "NewPlanForm", "NotesForm", "PlaceForm", "ProfileForm", "QuickCeuForm",
    "ProgressForm", "RegisterForm", "RenameForm", "RenewalSetupForm", "ReminderPreferencesForm", "ResetPasswordForm",
    "ResetRequestForm", "RoleForm", "SharingForm", "SubmissionForm", "TeamForm", "TokenForm", "options", "zone_choices",
]
