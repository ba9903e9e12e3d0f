"""The export document's format and limits, reading one (its shape and types are checked by
:mod:`.schemas`, each error placed in the file: ``plans[0].milestones[2].completed_on``), and the
certificates ZIP.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from ...models import (
    CeuActivity,
    Credential,
    CycleSubmission,
    ExperienceGap,
    FocusTick,
    LadderProfile,
    Plan,
    RenewalSetup,
)
from .. import certificates as certificate_files
from .. import credentials as credential_service
from ..errors import Invalid

FORMAT = "rungs-export"
VERSION = 1
MAX_DOCUMENT_BYTES = 8_000_000
MAX_ITEMS = 5_000  # per list: far above any real account, far below a memory problem
# Lists whose every entry is checked against all the others (cycles, overlapping gaps): kept shorter.
MAX_CHECKED_AGAINST_ALL = 500
MAX_TEXT = 10_000
MAX_ZIP_ENTRIES = 5_000
CERTIFICATE_FILE = re.compile(r"[0-9]{4,6}\.(pdf|png|jpg)")

# Tables that hold what a user made; a row in any of them means the account is not empty.
# (Reminder rows and preferences are made for every new account, so they do not count.)
CONTENT = (Plan, Credential, RenewalSetup, CeuActivity, CycleSubmission, LadderProfile, ExperienceGap, FocusTick)


# -- reading a document ------------------------------------------------------------------------

class Placed(Invalid):
    """An Invalid whose field is already its full place in the file."""


def own_target(target: str, others: dict[str, str]) -> str:
    """"other:CCDS" in a file: this account's credential CCDS outside the catalogue."""
    body, _, code = target.partition(":")
    return others.get(code, target) if body == credential_service.OTHER else target


def named_target(target: str, others: dict[str, str]) -> str:
    return f"{credential_service.OTHER}:{others[target]}" if target in others else target


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def under(path: str, error: Invalid) -> Invalid:
    """A service's error, placed in the file: ``plans[0]`` + ``title`` → ``plans[0].title``."""
    if isinstance(error, Placed):
        return error
    return Placed(join(path, error.field), error.message)


def read_document(raw: bytes) -> dict[str, Any]:
    """The parsed export document; Invalid when it is not a Rungs export this version reads."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise Invalid("file", f"The file is larger than {MAX_DOCUMENT_BYTES // 1_000_000} MB: it is not a Rungs export.")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise Invalid("file", "The file is not text (UTF-8): choose the .json file Rungs exported.") from None
    except json.JSONDecodeError as error:
        raise Invalid("file", f"The file is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}).") from None
    except RecursionError:
        raise Invalid("file", "The file is nested too deeply to be a Rungs export.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Invalid("format", f"This is not a Rungs export (its \"format\" is not \"{FORMAT}\").")
    version = document.get("version")
    if version != VERSION:
        raise Invalid("version", f"This export has format version {version!r}; this Rungs reads version {VERSION}.")
    return document


# -- the certificates ZIP -------------------------------------------------------------------------

class CertificatesZip:
    """The certificates ZIP of an import: safe names only, each file read with a size limit."""

    def __init__(self, raw: bytes | None):
        self.archive = None
        self.used: set[str] = set()
        if raw is None:
            return
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(raw))
            entries = self.archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise Invalid("certificates", "The certificates file is not a ZIP archive.") from None
        if len(entries) > MAX_ZIP_ENTRIES:
            raise Invalid("certificates", f"The ZIP holds more than {MAX_ZIP_ENTRIES:,} files.")
        for entry in entries:
            name = entry.filename
            if name.startswith(("/", "\\")) or "\\" in name or ".." in name.split("/") or ":" in name:
                raise Invalid("certificates", f"The ZIP holds a file with an unsafe name ({name[:80]!r}).")
        self.names = {e.filename: e for e in entries if not e.is_dir()}

    def certificate(self, name: str, path: str) -> tuple[bytes, str, str]:
        """The certificate file ``name`` an activity names at ``path``, read and checked: (content,
        MIME type, extension)."""
        if not CERTIFICATE_FILE.fullmatch(name):
            raise Invalid(path, f"{name[:60]!r} is not a certificate name from a Rungs export (like 0001.pdf).")
        content = self.read(name, path)
        try:
            mime, extension = certificate_files.check_certificate(content)
        except Invalid as error:
            raise Invalid(path, f"{name}: {error.message}") from None
        return content, mime, extension

    def read(self, name: str, path: str) -> bytes:
        if self.archive is None:
            raise Invalid(path, f"names the certificate {name!r}, but no certificates ZIP was given.")
        entry = self.names.get(name)
        if entry is None:
            raise Invalid(path, f"names the certificate {name!r}, which is not in the certificates ZIP.")
        if name in self.used:
            raise Invalid(path, f"names the certificate {name!r} a second time.")
        self.used.add(name)
        # Read at most one byte past the limit, whatever size the entry claims (a ZIP bomb stops there).
        limit = certificate_files.certificate_limit()
        try:
            with self.archive.open(entry) as stream:
                data = stream.read(limit + 1)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as error:
            raise Invalid(path, f"The certificate {name!r} cannot be read from the ZIP ({error}).") from None
        return data
