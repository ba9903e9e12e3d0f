"""Marshmallow field types and entity schemas shared by the JSON API (:mod:`tracker.api.schemas`)
and the import (:mod:`tracker.services.portability.schemas`).

Below the services and the API: it imports :mod:`tracker.domain` and marshmallow only, so both
can read the same limits through the same types (a date's range, text without control
characters, a CEU amount) and refuse a value the same way wherever it comes in.

:mod:`.fields` holds the field types, :mod:`.entities` the fields an API request and a part of
the export document have in common.
"""
