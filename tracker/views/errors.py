"""Error pages: HTML for people; the 500 handler rolls the session back first."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

from ..catalog import CatalogError
from ..extensions import db

# Pages that email a link: their limit counts emails to one address, not sign-in attempts.
EMAIL_LINK_ENDPOINTS = {"auth.register", "auth.reset_request"}


def register(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(error):
        return render_template("errors/error.html", code=400, title="That request could not be read",
                               message="Something in it was not what we expected. Go back and try again."), 400

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/error.html", code=400, title="This form has expired",
                               message="For your safety, forms expire. Go back, reload the page and submit again."), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/error.html", code=403, title="Not allowed",
                               message="You cannot do that."), 403

    @app.errorhandler(404)
    def not_found(error):
        return render_template("errors/error.html", code=404, title="Page not found",
                               message="There is nothing here. It may have been deleted, or the link is wrong."), 404

    @app.errorhandler(405)
    def method_not_allowed(error):
        return render_template("errors/error.html", code=405, title="Not allowed here",
                               message="That page cannot be used this way."), 405

    @app.errorhandler(413)
    def too_large(error):
        return render_template("errors/error.html", code=413, title="That upload is too large",
                               message="Choose a smaller file."), 413

    @app.errorhandler(429)
    def too_many(error):
        # One message whatever the reason (account or address), so it tells an attacker nothing.
        if request.endpoint in EMAIL_LINK_ENDPOINTS:
            message = "Several emails were already sent to this address. Wait a few minutes, then try again."
        else:
            message = "Too many sign-in attempts. Wait a few minutes, then try again."
        return render_template("errors/error.html", code=429, title="Too many attempts", message=message), 429

    @app.errorhandler(CatalogError)
    def catalog_error(error):
        db.session.rollback()
        app.logger.error("plan data is invalid: %s", error)
        return render_template("errors/error.html", code=503, title="Plan data needs fixing",
                               message=f"An operator must fix a data file: {error}. "
                                       "Run: flask --app tracker plans validate"), 503

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_template("errors/error.html", code=500, title="Something went wrong on our side",
                               message="Nothing was saved. Please try again in a moment."), 500
