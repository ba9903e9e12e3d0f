"""Export and import: everything of a user's as one JSON document, certificates as a ZIP beside it.

The document (``"format": "rungs-export"``, ``"version": 1``) nests what belongs together (a plan
holds its milestones, a milestone its checklist, costs and exam attempts) and names things by what
they are, never by database id: a CEU counts toward ``"aapc:CPMA"``, a certificate is the file
``"0001.pdf"`` of the ZIP. Lists come in a fixed order, so exporting an imported export gives the
same document (only ``exported_at`` differs).

Import goes into an empty account only. The whole file is read and checked with the services' own
rules (each raises :class:`Invalid` naming the field, here with its place in the file, e.g.
``plans[0].milestones[2].completed_on``) inside one transaction; certificates are written only
after everything passed, and the transaction commits last. Anything wrong: rolled back, no file
left, and the error says what and where.

No Flask import here: the app's settings (certificate folder and limits) come through
:mod:`tracker.services.certificates`.

Four modules: :mod:`.document` (the format, its limits, reading it and the certificates ZIP),
:mod:`.schemas` (each part's shape and types, with the field types the API uses), :mod:`.export`
and :mod:`.restore` (import). The names callers use are importable from here.
"""
from __future__ import annotations

from .document import MAX_DOCUMENT_BYTES, read_document  # noqa: F401
from .export import export_certificates, export_document, export_json, has_certificates  # noqa: F401
from .restore import account_is_empty, import_account  # noqa: F401
