"""The request's CSRF token (tracker/csrf.py) is Flask-WTF's own: the forms reuse it, Flask-WTF
accepts it, and a changed secret key signs with the new key."""
from __future__ import annotations

import pytest
from flask import g, session
from flask_wtf.csrf import generate_csrf, validate_csrf
from wtforms.validators import ValidationError

from tracker.csrf import csrf_token


def test_the_token_is_flask_wtfs(app):
    with app.test_request_context("/"):
        token = csrf_token()
        assert session["csrf_token"] and g.csrf_token == token
        assert generate_csrf() == token == csrf_token()  # one token a request, whoever asks first
        validate_csrf(token)  # accepted as Flask-WTF's own
    with app.test_request_context("/"):
        first = generate_csrf()
        assert csrf_token() == first


def test_a_token_of_another_session_or_key_is_refused(app):
    with app.test_request_context("/"):
        token = csrf_token()
        raw = session["csrf_token"]
    with app.test_request_context("/"):
        session["csrf_token"] = "another session's raw token"
        with pytest.raises(ValidationError):
            validate_csrf(token)
    old_key = app.config["SECRET_KEY"]
    app.secret_key = app.config["SECRET_KEY"] = "a new secret key, after a rotation"
    try:
        with app.test_request_context("/"):
            session["csrf_token"] = raw
            renewed = csrf_token()
            assert renewed != token
            validate_csrf(renewed)
            with pytest.raises(ValidationError):
                validate_csrf(token)
    finally:
        app.secret_key = app.config["SECRET_KEY"] = old_key


def test_a_raw_token_that_cannot_be_signed_is_replaced(app):
    with app.test_request_context("/"):
        session["csrf_token"] = {"not": {"a", "token"}}  # a set: not JSON
        token = csrf_token()
        assert isinstance(session["csrf_token"], str)
        validate_csrf(token)


def test_a_token_signed_lately_is_given_again_then_signed_anew(app):
    import time_machine

    from tracker.csrf import REUSE_SECONDS

    with time_machine.travel("2026-12-02 10:00:00+00:00", tick=False) as clock:
        with app.test_request_context("/"):
            first = csrf_token()
            raw = session["csrf_token"]
        clock.shift(REUSE_SECONDS - 1)
        with app.test_request_context("/"):
            session["csrf_token"] = raw
            assert csrf_token() == first  # the same session, a minute at most: the same token
            validate_csrf(first)
        with app.test_request_context("/"):
            assert csrf_token() != first  # another session's raw token: its own token
        clock.shift(1)
        with app.test_request_context("/"):
            session["csrf_token"] = raw
            later = csrf_token()
            assert later != first
            validate_csrf(later)
        clock.shift(-3600)  # a clock set back: never a token signed "in the future"
        with app.test_request_context("/"):
            session["csrf_token"] = raw
            assert csrf_token() not in (first, later)
