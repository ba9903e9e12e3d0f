"""What the byte-for-byte page tests share: the former templates, kept in reference_templates/,
rendered with the app's own environment, and the clocks they are rendered on."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2

REFERENCE = Path(__file__).parent / "reference_templates"

# Instants and zones: a mid-year day, and a year's end seen from zones on either side of it.
CLOCKS = [
    (dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.timezone.utc), "America/New_York"),
    (dt.datetime(2026, 12, 31, 20, 0, tzinfo=dt.timezone.utc), "Pacific/Auckland"),  # already Jan 1
    (dt.datetime(2027, 1, 1, 3, 0, tzinfo=dt.timezone.utc), "America/Los_Angeles"),  # still Dec 31
    (dt.datetime(2027, 6, 30, 12, 0, tzinfo=dt.timezone.utc), "UTC"),
]
CLOCK_IDS = [f"{instant:%Y-%m-%d}-{zone}" for instant, zone in CLOCKS]


def reference_env(app) -> jinja2.Environment:
    """The app's template environment that also finds the reference templates."""
    return app.jinja_env.overlay(loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(REFERENCE), app.jinja_env.loader]))
