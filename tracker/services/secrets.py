"""Bearer secrets (API tokens, calendar feed addresses): made random, kept only as a hash.

A secret has 256 bits from the operating system's generator. The database holds its SHA-256, so a
leaked table gives no working token; lookups compare the hash in the database's index, and the
one candidate found is compared again in constant time.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets as _secrets


def new_secret(prefix: str) -> str:
    """A fresh secret such as ``rungs_pat_Xy…``: a readable prefix, then 43 URL-safe characters."""
    return f"{prefix}{_secrets.token_urlsafe(32)}"


def digest(secret: str) -> str:
    """The SHA-256 hex digest under which a secret is stored."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def matches(secret: str, stored_digest: str) -> bool:
    """Whether ``secret`` hashes to ``stored_digest``, compared in constant time."""
    return hmac.compare_digest(digest(secret), stored_digest)
