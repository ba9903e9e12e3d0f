"""Use cases that touch the database: load, call the domain, write, commit.

Views, the API, the CLI and the worker call these; they raise the typed errors below, never
return half-done work.
"""
from .errors import Invalid, NotFound  # noqa: F401
