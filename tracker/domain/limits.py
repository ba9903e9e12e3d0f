"""The limits of what Rungs accepts, defined once: forms, API schemas, import and URLs use these.

Values past them are refused with a message at the edge, never stored and never a 500.
"""
from __future__ import annotations

import datetime as dt

# Largest id a URL may name: ids are 64-bit signed integers in every database Rungs runs on.
MAX_ID = 2**63 - 1
