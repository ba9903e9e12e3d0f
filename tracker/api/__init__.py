"""The JSON API under /api/v1: bearer tokens, the same services as the pages, an OpenAPI document.

flask-smorest validates requests with the marshmallow schemas in :mod:`.schemas` and builds the
OpenAPI 3 document (/api/v1/openapi.json) from the same schemas, so the document cannot drift
from what the API accepts. Session cookies never authenticate here: only
``Authorization: Bearer <token>``, and no CSRF token is needed because browsers never attach
that header on their own.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import NoReturn

from flask import Flask, g, request
from flask_smorest import Api, abort

from ..domain.limits import MAX_ID  # ids beyond it cannot exist; such URLs answer 404
from ..domain.clock import today_in
from ..services import api_tokens
from ..services.errors import Invalid, NotFound
from ..services.transaction import atomic
from ..logs import ownership_log

PREFIX = "/api/v1"

def register(app: Flask) -> None:
    app.config.setdefault("API_TITLE", "Rungs API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_SPEC_OPTIONS", {
        "info": {"description": (
            "Your Rungs data: plans and milestones, credentials and CEUs, the career ladder and "
            "reminders. Authenticate with a personal access token (Settings → API tokens, or "
            "`flask --app tracker tokens create EMAIL`): `Authorization: Bearer <token>`. Dates are "
            "ISO 8601 (YYYY-MM-DD); instants are UTC with an offset. Errors are JSON: "
            "`{\"code\", \"status\", \"message\", \"errors\": {\"json\": {field: [messages]}}}`."
        )},
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
    })
    api = Api(app)
    # Ids in paths are bounded (tracker/urls.py): the document says so.
    from ..urls import BoundedInteger
    from flask_smorest.spec.plugins import integerconverter2paramschema

    api.register_converter(BoundedInteger, integerconverter2paramschema)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "A personal access token (rungs_pat_...)."}
    )
    from . import account, ceus, certificates, credentials, plans, teams

    for blueprint in [*account.BLUEPRINTS, *plans.BLUEPRINTS, *credentials.BLUEPRINTS, *ceus.BLUEPRINTS,
                      certificates.blueprint, teams.blueprint]:
        api.register_blueprint(blueprint, url_prefix=f"{PREFIX}{blueprint.url_prefix or ''}")


def is_api_request() -> bool:
    return request.path == PREFIX or request.path.startswith(PREFIX + "/")


def authenticate():
    """Every API request: the bearer token's owner becomes the request's user, or 401."""
    if request.method == "OPTIONS":
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    user = api_tokens.user_for_token(secret.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        abort(401, message="Send a valid personal access token: Authorization: Bearer <token>.",
              headers={"WWW-Authenticate": 'Bearer realm="rungs"'})
    g.api_user = user
    return None


def user():
    """The token's owner for this request."""
    return g.api_user


def today() -> dt.date:
    """Today in the token owner's time zone."""
    return today_in(g.api_user.time_zone)


def call(action: Callable, *args, fields: Mapping[str, str] | None = None, **kwargs):
    """Run a service call; its errors become JSON answers (422 naming the field, 404).

    ``fields`` renames the services' form field names to the API's where they differ.
    """
    try:
        with atomic():
            return action(*args, **kwargs)
    except Invalid as error:
        field = (fields or {}).get(error.field, error.field)
        abort(422, message=error.message, errors={"json": {field: [error.message]}})
    except NotFound as error:
        not_found(str(error))


def checked_id(value: int) -> int:
    """An id from the URL; one that cannot exist is simply not found."""
    if not 0 < value <= MAX_ID:
        not_found(f"id {value}")
    return value


def not_found(what: str) -> NoReturn:
    """Answer 404 for ``what`` (not the token owner's, or gone), and log who asked for it."""
    ownership_log.warning("not found for user %s: %s %s (%s: not theirs, or gone)",
                          g.api_user.id, request.method, request.path, what)
    abort(404, message="No such object.")
