"""Absolute links for emails and for addresses shown to copy (the calendar feed).

They are built from RUNGS_BASE_URL alone, never from the request: the Host header and
X-Forwarded-Host are whatever the client sends, and a reset link pointing at an attacker's host
would hand them the token. The same function works in the worker, which has no request at all.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """The absolute address of ``endpoint`` at the configured RUNGS_BASE_URL."""
    base = urlsplit(current_app.config["RUNGS_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)
