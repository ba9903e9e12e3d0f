"""WTForms forms: shape and format only; the rules live in domain/ and services/."""
from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from .domain import limits
from .domain.zones import COMMON_ZONES, all_zones
from .widgets import field_html


class Form(FlaskForm):
    """Every form: text, dates and numbers within tracker/domain/limits.py, the same limits the API
    schemas and import use, checked for every field whatever else the form asks. A NUL, a control
    character, Infinity, NaN, year 1 or year 9999 gets a message on its field and is never stored.
    """

    class Meta:
        def render_field(self, field, render_kw):
            # WTForms' own merge, then the same HTML written without its widget machinery.
            extra = getattr(field, "render_kw", None)
            attributes = dict(extra, **render_kw) if extra else render_kw
            return field_html(field, attributes) or super().render_field(field, render_kw)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            problem = _limit_problem(field)
            if problem and problem not in field.errors:
                field.errors = [*field.errors, problem]
                valid = False
        return valid


def _limit_problem(field) -> str | None:
    if isinstance(field, FileField) or isinstance(field, PasswordField):
        return None  # files are checked by content; passwords are only ever hashed
    if isinstance(field, (DateField,)):
        return limits.date_problem(field.data) if isinstance(field.data, dt.date) else None
    if isinstance(field, DecimalField):
        return limits.number_problem(field.data) if field.data is not None else None
    if isinstance(field, IntegerField):
        return limits.whole_number_problem(field.data) if isinstance(field.data, int) else None
    # Text as sent (select fields too: their raw value is echoed back into the page).
    for value in field.raw_data or []:
        if isinstance(value, str):
            problem = limits.text_problem(value, multiline=isinstance(field, TextAreaField))
            if problem:
                return problem
    return None



def options(pairs, optgroup: str | None = None) -> list[SelectChoice]:
    """WTForms choices from (value, label) pairs."""
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


UNIT_CHOICES = options([("days", "days"), ("weeks", "weeks"), ("months", "months")])
PACE_CHOICES = options([("full_time", "Full time"), ("part_time", "Part time")])


def zone_choices() -> list[SelectChoice]:
    """Time zones for the picker: the common US ones first, then every zone."""
    common = options(((zone, zone.replace("_", " ")) for zone in COMMON_ZONES), "Common in the US")
    rest = options(
        ((zone, zone.replace("_", " ")) for zone in all_zones() if zone not in COMMON_ZONES), "All time zones"
    )
    return common + rest


class EmailAddress(EmailField):
    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data:
            self.data = self.data.strip()


def _email_field(label: str = "Email") -> EmailAddress:
    return EmailAddress(
        label,
        validators=[DataRequired("Enter your email address."), Email("Enter a valid email address, like name@example.com."), Length(max=limits.EMAIL, message=limits.too_long(limits.EMAIL))],
        render_kw={"autocomplete": "email"},
    )


class RegisterForm(Form):
    email = _email_field()


class FinishSignUpForm(Form):
    password = PasswordField(
        "Password",
        validators=[DataRequired("Choose a password.")],
        description="At least 10 characters. A phrase is easier to remember.",
        render_kw={"autocomplete": "new-password"},
    )
    time_zone = SelectField("Time zone", default="America/New_York", render_kw={"data-detect-zone": "1"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = zone_choices()


class LoginForm(Form):
    email = _email_field()
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")], render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me signed in on this device")


class ResetRequestForm(Form):
    email = _email_field()


class ResetPasswordForm(Form):
    password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a new password.")],
        description="At least 10 characters.",
        render_kw={"autocomplete": "new-password"},
    )


class TokenForm(Form):
    name = StringField(
        "Token name",
        validators=[DataRequired("Name the token after what will use it."), Length(max=limits.TOKEN_NAME, message=limits.too_long(limits.TOKEN_NAME))],
        description="What will use it, like “calendar script” or “laptop”. You can revoke it at any time.",
    )


class ChangePasswordForm(Form):
    current_password = PasswordField("Current password", validators=[DataRequired("Enter your current password.")], render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a new password.")],
        description="At least 10 characters. Other devices will be signed out.",
        render_kw={"autocomplete": "new-password"},
    )


class ProfileForm(Form):
    time_zone = SelectField("Time zone", description="Dates and reminders follow this zone.")
    member_number = StringField(
        "Member number (optional)", validators=[Optional(), Length(max=limits.MEMBER_NUMBER_MAX, message=limits.MEMBER_NUMBER_MESSAGE)],
        description="Your AAPC member ID or AHIMA ID, printed on your audit packets. With both, enter both: AAPC 01234567, AHIMA 1234567.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.time_zone.choices = zone_choices()


class EmailChangeForm(Form):
    new_email = _email_field("New email")
    password = PasswordField("Your password", validators=[DataRequired("Enter your password.")],
                             render_kw={"autocomplete": "current-password"})


class ImportForm(Form):
    data_file = FileField("Data file (rungs-data-….json)", render_kw={"accept": ".json,application/json"})
    certificates_file = FileField(
        "Certificates (rungs-certificates-….zip)",
        description="Only needed when your export has certificates.",
        render_kw={"accept": ".zip,application/zip"},
    )


class DeleteAccountForm(Form):
    password = PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password to confirm.")],
        description="To confirm that it is you.",
        render_kw={"autocomplete": "current-password"},
    )


class NewPlanForm(Form):
    template = RadioField("Certification track", validators=[InputRequired("Choose a certification track.")])
    start_date = DateField("Start date", validators=[InputRequired("Enter the day you start, like 2027-01-04.")])
    pace = RadioField(
        "Pace",
        choices=PACE_CHOICES,
        default="full_time",
        validators=[InputRequired("Choose a pace.")],
        description="Part time roughly doubles the coding program; you can edit any step's duration later.",
    )
    title = StringField("Plan name", validators=[Optional(), Length(max=limits.PLAN_TITLE, message=limits.too_long(limits.PLAN_TITLE))], description="Optional; the track's name is used otherwise.")


class EditPlanForm(Form):
    title = StringField("Plan name", validators=[DataRequired("Give the plan a name."), Length(max=limits.PLAN_TITLE, message=limits.too_long(limits.PLAN_TITLE))])
    start_date = DateField("Start date", validators=[InputRequired("Enter a date, like 2027-01-04.")], description="Targets move with the start date.")
    pace = RadioField("Pace", choices=PACE_CHOICES, validators=[InputRequired("Choose a pace.")])


class ProgressForm(Form):
    action = HiddenField(validators=[DataRequired()])
    on = DateField("On", validators=[InputRequired("Enter a date, like 2027-02-01.")])


class DurationForm(Form):
    amount = IntegerField("Duration", validators=[InputRequired("Enter a number."), NumberRange(min=0, message="A duration cannot be negative.")])
    unit = SelectField("Unit", choices=UNIT_CHOICES)


class NotesForm(Form):
    notes = TextAreaField("Notes", validators=[Length(max=limits.NOTES, message=limits.too_long(limits.NOTES))])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        # Choices are the step's items; the service refuses ids that are not.
        pass


class ChecklistForm(Form):
    items = MultiCheckboxField("Checklist", coerce=int)


class ChecklistItemForm(Form):
    label = StringField("New item", validators=[DataRequired("Say what the item is."), Length(max=limits.CHECKLIST_LABEL, message=limits.too_long(limits.CHECKLIST_LABEL))])


class RenameForm(Form):
    title = StringField("Name", validators=[DataRequired("Give the step a name."), Length(max=200)])


class CostForm(Form):
    kind = SelectField(
        "Kind",
        choices=options([("program", "Program fee"), ("exam", "Exam fee"), ("materials", "Books & materials"), ("other", "Other")]),
    )
    label = StringField("Description", validators=[Optional(), Length(max=limits.COST_LABEL, message=limits.too_long(limits.COST_LABEL))])
    amount = DecimalField(
        "Amount (USD)",
        places=2,
        validators=[InputRequired("Enter an amount, like 399.00."), NumberRange(min=0, message="An amount cannot be negative.")],
    )
    incurred_on = DateField("Date", validators=[Optional()])


class ExamAttemptForm(Form):
    taken_on = DateField("Exam date", validators=[InputRequired("Enter the exam date.")])
    result = RadioField("Result", choices=options([("passed", "Passed"), ("failed", "Not passed")]), validators=[InputRequired("Choose the result.")])
    retake_on = DateField("Retake date", validators=[Optional()], description="If not passed: when you will retake it.")


class CustomMilestoneForm(Form):
    title = StringField("Title", validators=[DataRequired("Give the milestone a name."), Length(max=limits.MILESTONE_TITLE, message=limits.too_long(limits.MILESTONE_TITLE))])
    description = TextAreaField("Description", validators=[Optional(), Length(max=limits.MILESTONE_DESCRIPTION, message=limits.too_long(limits.MILESTONE_DESCRIPTION))])
    amount = IntegerField("Duration", validators=[InputRequired("Enter a number."), NumberRange(min=0, message="A duration cannot be negative.")])
    unit = SelectField("Unit", choices=UNIT_CHOICES, default="weeks")
    after = SelectField("Goes after", coerce=int)


class ConfirmForm(Form):
    """A button that changes something: CSRF and nothing else."""


# -- credentials and CEUs -------------------------------------------------------------------------

MONTH_CHOICES = options([(0, "Choose a month")] + [(m, dt.date(2000, m, 1).strftime("%B")) for m in range(1, 13)])


class CredentialForm(Form):
    code = SelectField("Credential", validators=[DataRequired("Choose the credential you hold.")], validate_choice=False)
    earned_on = DateField("Date earned", validators=[InputRequired("Enter the date you earned it, like 2024-03-15.")], description="The day you passed the exam.")
    renewal_month = SelectField(
        "AAPC membership renewal month", coerce=int, default=0,
        description="AAPC credentials only: your CEUs are due at the end of this month, every two years.",
    )
    cycle_end = DateField(
        "AHIMA cycle end date", validators=[Optional()],
        description="AHIMA credentials (and another credential not in the list): the date your account shows. Leave empty and Rungs proposes one from your pass date that you can correct.",
    )
    first_cycle_ceus = DecimalField(
        "First-cycle CEUs (AAPC, if pro-rated)", places=2, validators=[Optional(), NumberRange(min=0, max=limits.MAX_CEUS, message=f"Enter 0 to {limits.MAX_CEUS} CEUs.")],
        description="AAPC pro-rates your first cycle and shows the figure in your CEU tracker; leave empty and Rungs estimates it from the months your first cycle runs.",
    )
    # A credential not in the list: what its body says.
    other_code = StringField("Its letters", validators=[Optional(), Length(max=limits.CREDENTIAL_CODE, message=limits.too_long(limits.CREDENTIAL_CODE))], description="Like CCDS or CRCR.")
    name = StringField("Its full name", validators=[Optional(), Length(max=limits.CREDENTIAL_NAME, message=limits.too_long(limits.CREDENTIAL_NAME))])
    other_body = StringField("Certifying body", validators=[Optional(), Length(max=limits.OTHER_BODY, message=limits.too_long(limits.OTHER_BODY))], description="Like ACDIS or HFMA.")
    other_ceus = StringField("CEUs per cycle", validators=[Optional(), Length(max=10)], render_kw={"inputmode": "decimal"})
    other_cycle_years = IntegerField("Cycle length in years", validators=[Optional(), NumberRange(min=1, max=10, message="Enter 1 to 10 years.")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.renewal_month.choices = MONTH_CHOICES


class CredentialEditForm(Form):
    earned_on = DateField("Date earned", validators=[InputRequired("Enter the date you earned it, like 2024-03-15.")])


class RenewalSetupForm(Form):
    renewal_month = SelectField("Membership renewal month", coerce=int, default=0)
    cycle_end = DateField("Current cycle end date", validators=[Optional()], description="As your AHIMA account shows it.")
    first_cycle_ceus = DecimalField(
        "First-cycle CEUs (pro-rated)", places=2, validators=[Optional(), NumberRange(min=0, max=limits.MAX_CEUS, message=f"Enter 0 to {limits.MAX_CEUS} CEUs.")],
        description="The figure your AAPC CEU tracker shows for your first submission. Leave empty and Rungs estimates it from the months your first cycle runs.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.renewal_month.choices = MONTH_CHOICES


class ApprenticeForm(Form):
    experience_months = IntegerField(
        "Months of verified coding experience", validators=[InputRequired("Enter a number of months (0 or more)."), NumberRange(min=0, max=600, message="Enter 0 to 600 months.")],
        description="Externships count.",
    )
    course_done_on = DateField("80-hour coding course completed on", validators=[Optional()])
    practicode_done_on = DateField("Practicode completed on", validators=[Optional()])


class CeuForm(Form):
    completed_on = DateField("Date completed", validators=[InputRequired("Enter the date you completed it, like 2026-11-02.")])
    title = StringField("Title", validators=[DataRequired("Enter the activity's title, as on its certificate."), Length(max=limits.CEU_TITLE, message=limits.too_long(limits.CEU_TITLE))])
    provider = StringField("Provider", validators=[Optional(), Length(max=limits.CEU_PROVIDER, message=limits.too_long(limits.CEU_PROVIDER))], description="Who ran it (an AAPC-approved vendor, AHIMA, a state association...).")
    reference = StringField("AAPC index number or AHIMA program id", validators=[Optional(), Length(max=limits.CEU_REFERENCE, message=limits.too_long(limits.CEU_REFERENCE))], description="As on the certificate: AAPC checks index numbers, and a course counts once.")
    ceus = StringField("CEUs", validators=[DataRequired("Enter the CEUs, like 1, 0.5 or 1.25.")], render_kw={"inputmode": "decimal"})
    second_reference = StringField(
        "Second approval (AHIMA program id)", validators=[Optional(), Length(max=limits.CEU_REFERENCE, message=limits.too_long(limits.CEU_REFERENCE))],
        description="Only for an activity approved by both AAPC and AHIMA: the AHIMA program id, with AAPC's index number above. Logged once, it counts toward both.",
    )
    counts_toward = MultiCheckboxField(
        "Counts toward", validators=[DataRequired("Choose what this activity counts toward.")],
        description="Tick every credential it is approved for: several of one body, or both bodies when it carries both approvals.",
    )
    next_cycle = RadioField(
        "Which cycle", choices=options([("ending", "The cycle ending this month"), ("next", "The next cycle")]),
        validators=[Optional()],
        description="CEUs earned in your AAPC renewal month may count toward either cycle.",
    )
    certificate = FileField("Certificate (PDF, PNG or JPEG, 10 MB at most)", render_kw={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"})
    remove_certificate = BooleanField("Remove the stored certificate")


class CeuLogFilterForm(Form):
    """The CEU log's filters, sent in the query string (a GET form: links to a filtered log work)."""

    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=limits.CEU_SEARCH_MAX)],
                    description="Words of the title, provider or index number.", render_kw={"type": "search"})
    start = DateField("From", validators=[Optional()])
    end = DateField("To", validators=[Optional()])
    provider = SelectField("Provider", validators=[Optional(), Length(max=200)], validate_choice=False)
    toward = SelectField("Credential", validators=[Optional(), Length(max=40)], validate_choice=False)
    certificate = SelectField("Certificate", default="", choices=options([("", "With or without"), ("with", "With a certificate"), ("without", "Without a certificate")]))
    page = IntegerField("Page", validators=[Optional(), NumberRange(min=1, max=limits.MAX_WHOLE_NUMBER)])


class SubmissionForm(Form):
    # Not prefilled: the date is the one the body's site shows for the submission.
    submitted_on = DateField("Submitted on", validators=[InputRequired("Enter the date you submitted your CEUs.")])
    fee_paid = BooleanField("I paid the recertification fee too")
    confirm = BooleanField("Record anyway")


# -- the career ladder -----------------------------------------------------------------------------

class LadderProfileForm(Form):
    rung = SelectField("Where you are now", validate_choice=False)
    coding_started_on = DateField("Started coding work on", validators=[Optional()], description="Experience counts from this day, less the gaps below.")
    specialties = StringField("Specialties", validators=[Optional(), Length(max=500)], description="For example: risk adjustment, cardiology.")


class GapForm(Form):
    starts_on = DateField("Gap from", validators=[InputRequired("Enter the first day of the gap.")])
    ends_on = DateField("to", validators=[InputRequired("Enter the last day of the gap.")])


# -- where you are in your career ------------------------------------------------------------------

class CareerStageForm(Form):
    career_stage = RadioField("Where are you in your coding career?", validators=[InputRequired("Choose the one that fits you best.")])


class PlaceForm(Form):
    rung = SelectField("Your role now", validate_choice=False)
    years = DecimalField(
        "Years of coding experience", places=1,
        validators=[InputRequired("Enter your years of coding experience (0 if you are just starting)."),
                    NumberRange(min=0, max=60, message="Enter 0 to 60 years.")],
        description="Paid coding work, externships included. 1.5 is a year and a half.",
        render_kw={"inputmode": "decimal"},
    )


class GapPlanForm(Form):
    plan = SelectField("Add the milestones to", validate_choice=False)


# -- reminders -------------------------------------------------------------------------------------

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class ReminderPreferencesForm(Form):
    paused = BooleanField("Pause all reminder emails")
    send_hour = SelectField("Send at", coerce=int, description="In your time zone (Settings).")
    digest_weekday = SelectField("Weekly digest day", coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.send_hour.choices = options((h, f"{h:02d}:00") for h in range(24))
        self.digest_weekday.choices = options(enumerate(WEEKDAYS))


# -- teams (issue 17) ------------------------------------------------------------------------------


class TeamForm(Form):
    name = StringField("Team name", validators=[DataRequired("Give the team a name."), Length(max=limits.TEAM_NAME_MAX)])


class InviteForm(Form):
    email = EmailAddress(
        "Coder's email",
        validators=[DataRequired("Enter the coder's email address."),
                    Email("Enter a valid email address, like name@example.com."), Length(max=limits.EMAIL_MAX)],
        render_kw={"autocomplete": "off"},
    )


class SharingForm(Form):
    share_ceus = BooleanField("CEU details and certificates", description="Titles, dates, providers and certificate files of your CEUs (for an internal audit).")
    share_plans = BooleanField("My plan", description="Your active plan's title and progress.")
    share_ladder = BooleanField("My place on the ladder", description="The rung you are on.")


class RoleForm(Form):
    role = SelectField("Role", choices=options([("member", "Member"), ("manager", "Manager")]))

# -- certificate reading (issue 16) ----------------------------------------------------------------

class CertificateReadForm(Form):
    """The certificate sent to be read for the CEU form (posted with the CEU form's own fields)."""

    read_file = FileField(
        "Read your certificate", description="A PDF, or a photo of the paper. Rungs fills in the form below for you to check.",
        render_kw={"accept": "application/pdf,image/png,image/jpeg", "capture": "environment"},
    )
