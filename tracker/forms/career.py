"""The career: the ladder profile and its gaps, the career stage, the place on the ladder."""
from __future__ import annotations

from wtforms import DateField, DecimalField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from .base import Form

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
