"""Credentials and CEUs: credentials, renewal setups, CEU activities and their log, submissions,
and the certificate sent to be read for the CEU form."""
from __future__ import annotations

import datetime as dt

from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DecimalField, IntegerField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..domain import limits
from .base import Form, MultiCheckboxField, options

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


class QuickCeuForm(CeuForm):
    """The quick-capture card's form as it is shown (never posted: a post is read with
    :class:`CeuForm`): the same fields, less those the card never shows, so each view builds
    three fields fewer."""

    second_reference = None
    next_cycle = None
    remove_certificate = None


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


# -- certificate reading (issue 16) ----------------------------------------------------------------

class CertificateReadForm(Form):
    """The certificate sent to be read for the CEU form (posted with the CEU form's own fields)."""

    read_file = FileField(
        "Read your certificate", description="A PDF, or a photo of the paper. Rungs fills in the form below for you to check.",
        render_kw={"accept": "application/pdf,image/png,image/jpeg", "capture": "environment"},
    )
