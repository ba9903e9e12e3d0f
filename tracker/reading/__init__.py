"""Reading a CEU certificate: its text lines from a text PDF (pypdf), or by OCR from a photo, a
screenshot or a scanned PDF (RapidOCR on onnxruntime, the models inside the package, on the CPU).

The file is opened in a child process (:mod:`.child`) with a time limit, a page limit, a pixel
limit and a memory limit: a hostile or broken file ends in :class:`Unreadable` with a message,
never a hang of the web process. The fields are then taken from the lines by the pure rules of
:mod:`tracker.domain.certificate_fields`.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..domain import limits
from ..domain.certificate_fields import CertificateFields, extract_fields

CHILD = Path(__file__).with_name("child.py")


class Unreadable(Exception):
    """The certificate could not be read; ``message`` says why, in words for coders."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Reading:
    """A certificate read: its lines, how (``text`` or ``ocr``), the fields, and the seconds taken."""

    lines: tuple[str, ...]
    source: str
    fields: CertificateFields
    seconds: float


def read_lines(data: bytes, *, seconds: float | None = None, max_pages: int | None = None) -> tuple[list[str], str]:
    """The text lines of a certificate file and how they were read; Unreadable when it cannot be."""
    seconds = seconds or limits.READER_SECONDS
    max_pages = max_pages or limits.READER_MAX_PAGES
    if len(data) > limits.CERTIFICATE_MAX_BYTES:
        raise Unreadable(f"The certificate is larger than {limits.CERTIFICATE_MAX_BYTES // 1_000_000} MB.")
    if not data:
        raise Unreadable("The certificate file is empty.")
    command = [sys.executable, "-I", str(CHILD), str(max_pages), str(limits.READER_MAX_PIXELS)]
    try:
        finished = subprocess.run(command, input=data, capture_output=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired:
        raise Unreadable(
            f"Reading this certificate took longer than {seconds:g} seconds, so it was stopped. "
            "Type its details in, or try a clearer photo."
        ) from None
    try:
        answer = json.loads(finished.stdout or b"null")
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise Unreadable("This file could not be read as a certificate.")
    if "refused" in answer:
        raise Unreadable(str(answer["refused"]))
    return [str(line) for line in answer.get("lines", [])], str(answer.get("source", "text"))


def read_certificate(data: bytes, *, known_credentials: Iterable[str] = (), seconds: float | None = None) -> Reading:
    """Read a certificate file: its lines and the fields they give, or Unreadable."""
    started = time.monotonic()
    lines, source = read_lines(data, seconds=seconds)
    fields = extract_fields(lines, known_credentials=known_credentials, ocr=source == "ocr")
    return Reading(tuple(lines), source, fields, time.monotonic() - started)
