"""This request's CSRF token, as Flask-WTF makes it, signed without rebuilding its serializer.

:func:`flask_wtf.csrf.generate_csrf` builds a ``URLSafeTimedSerializer`` on every request before
signing the session's raw token with it, and building it cost as much as signing. Every signed-in
page asks for the token (its forms, the navigation's sign-out button, a page from the page
cache), so :func:`csrf_token` makes the same token (the same serializer settings, the raw token
kept in the session and the signed one in ``g`` under the same names: the forms' CSRF fields
reuse it, and Flask-WTF checks it), with the serializer built once per secret key.
"""
from __future__ import annotations

import hashlib
import os

from flask import current_app, g, session
from itsdangerous import URLSafeTimedSerializer

_KEY = "rungs.csrf_serializer"


def csrf_token() -> str:
    """The request's signed CSRF token (the one ``generate_csrf()`` gives, made once a request)."""
    app = current_app._get_current_object()
    field = app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"
    token = g.get(field)
    if token is None:
        token = _signed(app, field)
        setattr(g, field, token)
    return token


def _signed(app, field: str) -> str:
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    built = app.extensions.get(_KEY)
    if built is None or built[0] != secret:
        built = app.extensions[_KEY] = (secret, URLSafeTimedSerializer(secret, salt="wtf-csrf-token"))
    if field not in session:
        session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
    try:
        return built[1].dumps(session[field])
    except TypeError:  # not a token this session could have been given: a new one, as Flask-WTF does
        session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
        return built[1].dumps(session[field])
