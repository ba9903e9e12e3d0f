"""``url_for`` for templates, each link built once per process: a page names the same few routes
dozens of times, and Werkzeug's URL builder costs more than everything else about a link."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, has_request_context, request

MAX_LINKS = 4096  # then the memo starts again: ids in links make the set of them unbounded


def memoized_url_for(app: Flask) -> Callable[..., str]:
    """Flask's ``url_for`` with a memo for the plain case: an absolute endpoint, scalar values and
    no ``_external``/``_anchor``-style options, inside a request (the key holds the request's
    script root, so an app mounted under a prefix gets its prefix). Anything else, or an endpoint
    that does not build, goes to Flask as it is."""
    build = app.url_for
    memo: dict[tuple, str] = {}

    def url_for(endpoint: str, /, **values) -> str:
        if endpoint.startswith(".") or not has_request_context() or app.url_default_functions:
            return build(endpoint, **values)
        for name, value in values.items():
            # Exactly str or int: True == 1 as a key, yet they build different links.
            if name.startswith("_") or type(value) not in (str, int):
                return build(endpoint, **values)
        # The request itself, not the proxy's attribute lookup: a page builds dozens of links.
        key = (request._get_current_object().script_root, endpoint, *values.items())
        url = memo.get(key)
        if url is None:
            url = build(endpoint, **values)
            if len(memo) >= MAX_LINKS:
                memo.clear()
            memo[key] = url
        return url

    return url_for
