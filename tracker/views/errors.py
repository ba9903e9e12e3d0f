"""Error pages: HTML for people, JSON under /api/; the 500 handler rolls the session back first."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.http import HTTP_STATUS_CODES

from ..catalog import CatalogError
from ..extensions import db

# Pages that email a link: their limit counts emails to one address, not sign-in attempts.
EMAIL_LINK_ENDPOINTS = {"auth.register", "auth.reset_request"}


def _answer(error, code: int, title: str, message: str):
    """The error page, or under /api/ the same answer as JSON (the API's error shape)."""
    if request.path.startswith("/api/"):
        body = {"code": code, "status": HTTP_STATUS_CODES.get(code, "Error"), "message": f"{title}. {message}"}
        data = getattr(error, "data", None) if isinstance(error, HTTPException) else None
        if isinstance(data, dict):  # flask-smorest's abort(): its message and field errors
            body.update({k: v for k, v in data.items() if k in ("message", "errors")})
        response = jsonify(body)
        if isinstance(error, HTTPException):
            for name, value in error.get_headers():
                if name.lower() not in ("content-type", "content-length"):
                    response.headers[name] = value
            extra = getattr(error, "data", {}) or {}
            for name, value in (extra.get("headers") or {}).items():
                response.headers[name] = value
        return response, code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register(app: Flask) -> None:
    """Every error page: the request's mistakes (4xx), then ours (5xx)."""
    _register_request_errors(app)
    _register_server_errors(app)


def _register_request_errors(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(error):
        return _answer(error, 400, "That request could not be read",
                       "Something in it was not what we expected. Go back and try again.")

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # A Host header outside TRUSTED_HOSTS: no page (its links would be built from that host).
        return "Unknown host name.\n", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _answer(error, 400, "This form has expired",
                       "For your safety, forms expire. Go back, reload the page and submit again.")

    @app.errorhandler(403)
    def forbidden(error):
        return _answer(error, 403, "Not allowed", "You cannot do that.")

    @app.errorhandler(404)
    def not_found(error):
        return _answer(error, 404, "Page not found",
                       "There is nothing here. It may have been deleted, or the link is wrong.")

    @app.errorhandler(405)
    def method_not_allowed(error):
        return _answer(error, 405, "Not allowed here", "That page cannot be used this way.")

    @app.errorhandler(413)
    def too_large(error):
        return _answer(error, 413, "That upload is too large", "Choose a smaller file.")

    @app.errorhandler(429)
    def too_many(error):
        # One message whatever the reason (account or address), so it tells an attacker nothing.
        if request.endpoint in EMAIL_LINK_ENDPOINTS:
            message = "Several emails were already sent to this address. Wait a few minutes, then try again."
        else:
            message = "Too many sign-in attempts. Wait a few minutes, then try again."
        return _answer(error, 429, "Too many attempts", message)


def _register_server_errors(app: Flask) -> None:
    @app.errorhandler(CatalogError)
    def catalog_error(error):
        db.session.rollback()
        app.logger.error("plan data is invalid: %s", error)
        return _answer(error, 503, "Plan data needs fixing",
                       f"An operator must fix a data file: {error}. Run: flask --app tracker plans validate")

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return _answer(error, 500, "Something went wrong on our side",
                       "Nothing was saved. Please try again in a moment.")
