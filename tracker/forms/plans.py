"""Plans: creating and editing one, and each milestone's progress, checklist, costs and exams."""
from __future__ import annotations

from wtforms import DateField, DecimalField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..domain import limits
from .base import Form, MultiCheckboxField, options

UNIT_CHOICES = options([("days", "days"), ("weeks", "weeks"), ("months", "months")])
PACE_CHOICES = options([("full_time", "Full time"), ("part_time", "Part time")])


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
