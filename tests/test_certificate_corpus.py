"""The reader on the certificate corpus (tests/certificates, made by make_corpus.py): every field of
every certificate read as expected, the missing ones left empty. bench/certificates.py measures
the same corpus's share of fields and time."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tracker.domain.certificate_fields import FIELDS
from tracker.reading import read_certificate

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "certificates"
sys.path.insert(0, str(ROOT))

from bench.certificates import KNOWN, certificate_file, compare  # noqa: E402

EXPECTED = sorted(CORPUS.glob("*.json"))


def test_the_corpus_has_each_kind_of_certificate():
    deliveries = [json.loads(p.read_text())["delivery"] for p in EXPECTED]
    assert len(EXPECTED) >= 12
    assert {"text", "scan", "png", "photo"} <= set(deliveries)
    assert deliveries.count("photo") >= 4


@pytest.mark.parametrize("expected_path", EXPECTED, ids=[p.stem for p in EXPECTED])
@pytest.mark.slow
def test_every_field_is_read_as_expected(expected_path):
    expected = json.loads(expected_path.read_text())
    reading = read_certificate(certificate_file(expected_path).read_bytes(), known_credentials=KNOWN)
    assert reading.source == ("text" if expected["delivery"] == "text" else "ocr")
    assert compare(reading, expected) == []
    assert set(reading.fields.found) <= set(FIELDS)
