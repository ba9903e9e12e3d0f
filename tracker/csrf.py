"""This request's CSRF token, as Flask-WTF makes it, without signing it anew on every page.

:func:`flask_wtf.csrf.generate_csrf` builds a ``URLSafeTimedSerializer`` and signs the session's
raw token with it on every request, and every signed-in page asks for the token (its forms, the
navigation's sign-out button, a page from the page cache): signing was a twentieth of a page
served from the page cache. :func:`csrf_token` makes the same token (the same serializer
settings, the raw token kept in the session and the signed one in ``g`` under the same names: the
forms' CSRF fields reuse it, and Flask-WTF checks it), with the serializer built once per secret
key, and a token signed for the same raw token less than :data:`REUSE_SECONDS` ago given again:
it is valid for ``WTF_CSRF_TIME_LIMIT`` (an hour) from its signing, so a page gets at most that
much less of its hour.
"""
from __future__ import annotations

import hashlib
import os
import time

from flask import current_app, g, session
from itsdangerous import URLSafeTimedSerializer

_KEY = "rungs.csrf_serializer"
REUSE_SECONDS = 60
_KEPT = 4096  # tokens kept per secret key (one per session active in the last minute)


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
        built = app.extensions[_KEY] = (secret, URLSafeTimedSerializer(secret, salt="wtf-csrf-token"), {})
    _secret, serializer, lately = built
    if field not in session:
        session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
    raw = session[field]
    now = time.time()
    if isinstance(raw, str):
        kept = lately.get(raw)
        if kept is not None and 0 <= now - kept[1] < REUSE_SECONDS:
            return kept[0]
    try:
        token = serializer.dumps(raw)
    except TypeError:  # not a token this session could have been given: a new one, as Flask-WTF does
        raw = session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
        token = serializer.dumps(raw)
    if len(lately) >= _KEPT:
        lately.clear()
    lately[raw] = (token, now)
    return token
