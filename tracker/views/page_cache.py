"""Rendered page fragments, cached per process under keys that name everything they depend on.

The dashboard is the page everyone opens most, and the most expensive to compute (plan
projection, every CEU cycle, the ladder). Its main part depends only on the user's data, their
time zone and their local date, so it is cached under ``(user id, data_version, time zone, date)``;
``data_version`` changes in the same transaction as any change to the user's data
(:mod:`tracker.services.versions`), so a stale fragment is never served. A version starts at a
random number, so an account that gets the id of a deleted one (SQLite reuses the highest id)
never meets the old account's fragments. The CSRF token, which
belongs to the browser session rather than to the data, is stored as a placeholder and put back
for each request. A whole page (:func:`cached_page`) is cached the same way, except while a
message waits to be flashed: the page that shows it is rendered, and not kept. Each gunicorn worker has its own cache (``PAGE_CACHE_SIZE`` entries, 0: off).
"""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, request, session
from markupsafe import Markup

from ..csrf import csrf_token

_KEY = "rungs.page_cache"
CSRF_PLACEHOLDER = f"rungs-csrf-{secrets.token_hex(8)}"


class FragmentCache:
    """A small least-recently-used map, safe to share between threads."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> str | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: str) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def fragment_cache() -> FragmentCache:
    """This app's cache (one per app, so test apps never share fragments)."""
    cache = current_app.extensions.get(_KEY)
    if cache is None:
        cache = current_app.extensions[_KEY] = FragmentCache(current_app.config.get("PAGE_CACHE_SIZE", 1024))
    return cache


def cached_fragment(key: Hashable, render: Callable[[], str]) -> Markup:
    """The fragment under ``key``, rendered by ``render()`` when it is not cached yet; kept apart
    for each path the app is mounted under (its links start with it)."""
    cache = fragment_cache()
    token = csrf_token()  # also when off: it puts the token in the session, as it did
    if cache.size <= 0:  # off: nothing kept, so no token to take out and put back
        return Markup(render())
    key = (request.script_root, key)
    html = cache.get(key)
    if html is None:
        html = str(render()).replace(token, CSRF_PLACEHOLDER)
        cache.put(key, html)
    return Markup(html.replace(CSRF_PLACEHOLDER, token))


def cached_page(key: Hashable, render: Callable[[], str]) -> str:
    """A whole page (layout included) under ``key``; rendered, and not kept, while the session
    holds a message to flash (the layout shows it once). ``key`` names what the layout shows
    besides the messages: the page's address and the signed-in user's data version."""
    if session.get("_flashes"):
        return render()
    return str(cached_fragment(key, render))

