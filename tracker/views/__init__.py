"""Blueprints, one per feature; thin: parse, call a service, map errors, redirect after POST."""
from __future__ import annotations

import datetime as dt

from flask import abort
from flask_login import current_user
from flask_wtf import FlaskForm

from ..domain.zones import local_today
from ..services.errors import Invalid


def user_today() -> dt.date:
    """Today's date in the signed-in user's time zone."""
    return local_today(current_user.time_zone, dt.datetime.now(dt.timezone.utc))


def show_error(form: FlaskForm, error: Invalid, fallback: str | None = None) -> None:
    """Put a service's error on the form field it names (or on ``fallback``, or the form)."""
    field = getattr(form, error.field, None) or (getattr(form, fallback, None) if fallback else None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def or_404(call, *args, **kwargs):
    """Run a lookup; NotFound (no such object, or someone else's) becomes a 404."""
    from ..services.errors import NotFound

    try:
        return call(*args, **kwargs)
    except NotFound:
        abort(404)
