"""Reminders: the user's preferences."""
from __future__ import annotations

from wtforms import BooleanField, SelectField

from .base import Form, options

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class ReminderPreferencesForm(Form):
    paused = BooleanField("Pause all reminder emails")
    send_hour = SelectField("Send at", coerce=int, description="In your time zone (Settings).")
    digest_weekday = SelectField("Weekly digest day", coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.send_hour.choices = options((h, f"{h:02d}:00") for h in range(24))
        self.digest_weekday.choices = options(enumerate(WEEKDAYS))
