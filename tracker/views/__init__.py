"""Blueprints, one per feature; thin: parse, call a service, map errors, redirect after POST."""
from __future__ import annotations

import datetime as dt
from typing import NoReturn

from flask import abort, g, request
from flask_login import current_user
from flask_wtf import FlaskForm

from ..domain.clock import today_in
from ..logs import ownership_log
from ..services import credentials as credential_service
from ..services.errors import Invalid


def user_today() -> dt.date:
    """Today's date in the signed-in user's time zone (worked out once per request and zone: a
    page shows dozens of dates, each said relative to today)."""
    return zone_today(current_user.time_zone)


def user_credentials() -> list:
    """The signed-in user's credentials, read once per request as rows (the pages that use them
    only read them: the dashboard's main part and its quick capture both need them)."""
    known = g.get("_rungs_credentials")
    if known is None:
        known = g._rungs_credentials = credential_service.read_credentials(current_user)
    return known


def zone_today(zone: str) -> dt.date:
    """Today in ``zone``, the same for the whole request."""
    known = g.get("_rungs_today")
    if known is None or known[0] != zone:
        known = g._rungs_today = (zone, today_in(zone))
    return known[1]


def show_error(form: FlaskForm, error: Invalid, fallback: str | None = None) -> None:
    """Put a service's error on the form field it names (or on ``fallback``, or the form)."""
    field = getattr(form, error.field, None) or (getattr(form, fallback, None) if fallback else None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)




def or_404(call, *args, **kwargs):
    """Run a lookup; NotFound (no such object, or someone else's) becomes a 404, and is logged."""
    from ..services.errors import NotFound

    try:
        return call(*args, **kwargs)
    except NotFound as error:
        not_found(str(error))


def not_found(what: str) -> NoReturn:
    """Answer 404 for ``what`` (not the user's, or gone), and log who asked for it."""
    user_id = current_user.id if current_user.is_authenticated else None
    ownership_log.warning("not found for user %s: %s %s (%s: not theirs, or gone)",
                          user_id, request.method, request.path, what)
    abort(404)
