"""What every API resource module shares: its blueprint factory and documented errors."""
from __future__ import annotations

from http import HTTPStatus

from flask_smorest import Blueprint

from ..extensions import csrf
from . import authenticate


ID = "int"


def make_blueprint(name: str, url_prefix: str, description: str) -> Blueprint:
    """A resource's blueprint: bearer-token authentication, no CSRF (no cookie is trusted here)."""
    blueprint = Blueprint(f"api_{name}", __name__, url_prefix=url_prefix, description=description)
    blueprint.before_request(authenticate)
    csrf.exempt(blueprint)
    return blueprint


def documents_errors(blueprint: Blueprint, *codes: int):
    """Document the error answers an operation can give (all in the API's error shape)."""
    def decorate(function):
        for code in (401, *codes):
            if code != 422:  # @arguments documents 422 already
                function = blueprint.alt_response(code, response=HTTPStatus(code).name)(function)
        return blueprint.alt_response("default", response="DEFAULT_ERROR")(function)
    return decorate


def duration_body(duration) -> dict:
    """A duration as the API gives it: {"amount", "unit"}."""
    return {"amount": duration.amount, "unit": duration.unit.value}
