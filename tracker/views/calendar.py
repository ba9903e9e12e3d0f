"""The iCalendar feed: /calendar/<token>.ics, with no sign-in (the token is the credential)."""
from __future__ import annotations


from flask import Blueprint, Response, abort

from ..domain.clock import utc_now
from ..domain.zones import local_today
from ..services import calendar as service

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

ICS_TYPE = "text/calendar; charset=utf-8"


def ics_response(body: bytes, *, download: str | None = None) -> Response:
    response = Response(body, content_type=ICS_TYPE)
    # Never kept by a shared cache, so that a rotated address stops working everywhere at once.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return response


@bp.route("/<token>.ics")
def feed(token: str):
    user = service.user_for_token(token)
    if user is None:
        abort(404)
    now = utc_now()
    return ics_response(service.feed_for(user, local_today(user.time_zone, now), now))
