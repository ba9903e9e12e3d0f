"""Logging: plain lines by default, JSON lines with LOG_FORMAT=json (one object per record), and
one record per request with method, path, status, duration and user id (never bodies or tokens).

Secrets that travel in a URL (the calendar feed's token; the signed tokens of reset, sign-up,
email-change and unsubscribe links) are redacted from every line: the request
record, werkzeug's and gunicorn's access lines (gunicorn.conf.py uses :func:`redact`), and errors.
"""
from __future__ import annotations

import json
import logging
import re
import time

# A calendar feed address is /calendar/<token>.ics: the whole path after /calendar/ is secret.
_FEED_PATH = re.compile(r"/calendar/[^\s?\"'#]+")
# Rungs' secrets carry a readable prefix (rungs_cal_..., rungs_pat_...), wherever they appear.
_SECRET = re.compile(r"rungs_[a-z]{3}_[A-Za-z0-9_-]{16,}")


# Emailed links whose last path segment is a signed token: a password reset, the end of sign-up
# (/register/sent is a page, not a token), an email change, a reminder's unsubscribe link.
_TOKEN_PATH = re.compile(r"(/(?:reset|email-change|reminders/unsubscribe|register)/)(?!sent\b)[^\s?\"'#/]+")
_TOKEN_PATH_MARKERS = ("/reset/", "/email-change/", "/unsubscribe/", "/register/")


def redact(text: str) -> str:
    """``text`` with feed addresses, emailed tokens and Rungs secrets replaced by ``<redacted>``."""
    if any(marker in text for marker in _TOKEN_PATH_MARKERS):
        text = _TOKEN_PATH.sub(r"\1<redacted>", text)
    if "/calendar/" not in text and "rungs_" not in text:
        return text
    return _SECRET.sub("<redacted>", _FEED_PATH.sub("/calendar/<redacted>.ics", text))


class RedactingFilter(logging.Filter):
    """Redacts secrets from a record's message and fields before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict) and isinstance(fields.get("path"), str):
            record.fields = {**fields, "path": redact(fields["path"])}
        return True

from flask import Flask, g, request

# Asking for an object that is not yours (or no longer exists) is logged, by the views and the API
# alike: a run of these from one account is someone walking ids.
ownership_log = logging.getLogger("tracker.ownership")


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        data.update(getattr(record, "fields", {}))
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, default=str)


JSONFormatter.converter = time.gmtime


def configure(app: Flask) -> None:
    """Set up the root logger (outside tests) and the per-request record."""
    if not app.debug and not app.testing:
        handler = logging.StreamHandler()
        if app.config.get("LOG_FORMAT") == "json":
            handler.setFormatter(JSONFormatter())
        else:
            handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(RedactingFilter())
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
        logging.getLogger("werkzeug").setLevel(logging.WARNING if app.config.get("LOG_FORMAT") == "json" else logging.INFO)

    requests = logging.getLogger("tracker.requests")

    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.pop("request_started", None)
        if started is not None and request.endpoint != "static":
            # The user Flask-Login already loaded for this request, if any (loading one here could
            # recurse into the session checks).
            user = g.get("_login_user")
            fields = {
                "method": request.method,
                "path": redact(request.path),  # no query string, no feed token: they may carry secrets
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.id if getattr(user, "is_authenticated", False) else None,
            }
            requests.info("%s %s %s", request.method, fields["path"], response.status_code, extra={"fields": fields})
        return response
