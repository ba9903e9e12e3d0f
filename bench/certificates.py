"""The certificate reader on the corpus in tests/certificates: the share of fields read right and
the time per certificate, by kind (text PDF; photo, screenshot and scan).

    .venv/bin/python bench/certificates.py

Prints one line per certificate with the fields it got wrong, then one summary line. A field is
right when it equals the expected value exactly (dates as ISO dates, CEUs as printed, credential
codes as a set), an expected-empty field right only when left empty. Goals (issue 16): >= 98% of
fields on text PDFs, >= 90% on photos; <= 1 s per text PDF, <= 5 s per photo on 2 cores.
"""
from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tracker.catalog import load_catalog  # noqa: E402
from tracker.domain.certificate_fields import FIELDS  # noqa: E402
from tracker.reading import Unreadable, read_certificate  # noqa: E402

CORPUS = ROOT / "tests" / "certificates"
# Every credential code in plans/ an approval line may name (as the app offers them).
KNOWN = sorted({code for rules in load_catalog(ROOT / "plans").bodies.values() for code in rules.credentials})


def expected_files() -> list[tuple[Path, dict]]:
    return [(path, json.loads(path.read_text())) for path in sorted(CORPUS.glob("*.json"))
            if path.name != "package.json"]


def certificate_file(expected_path: Path) -> Path:
    return next(p for p in CORPUS.glob(expected_path.stem + ".*") if p.suffix != ".json")


def compare(reading, expected: dict) -> list[str]:
    """The names of the fields read wrong."""
    wrong = []
    for name in FIELDS:
        got = reading.fields.value(name)
        want = expected.get(name)
        if name == "completed_on":
            got = got.isoformat() if got else None
        if name == "credentials":
            got, want = set(got or ()), set(want or ())
        if got != want:
            wrong.append(f"{name}: got {got!r}, want {want!r}")
    return wrong


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    totals: dict[str, list[float]] = {"text": [0, 0, 0.0, 0, 0.0], "photo": [0, 0, 0.0, 0, 0.0]}
    for path, expected in expected_files():
        kind = "text" if expected["delivery"] == "text" else "photo"
        started = time.monotonic()
        cpu_before = _child_cpu()
        try:
            reading = read_certificate(certificate_file(path).read_bytes(), known_credentials=KNOWN)
        except Unreadable as refusal:
            reading, wrong = None, [f"not read: {refusal.message}"] * len(FIELDS)
        seconds = time.monotonic() - started
        cpu = _child_cpu() - cpu_before
        if reading is not None:
            wrong = compare(reading, expected)
        right, count = len(FIELDS) - len(wrong), len(FIELDS)
        total = totals[kind]
        total[0] += right
        total[1] += count
        total[2] += seconds
        total[3] += 1
        total[4] += cpu
        print(f"{path.stem:28} {expected['delivery']:6} {right}/{count} {seconds:5.2f} s ({cpu:4.2f} s CPU)  {'; '.join(sorted(set(wrong)))}")
    text, photo = totals["text"], totals["photo"]
    print(
        f"certificates: text PDFs {text[0] / text[1]:.1%} of fields right, {text[2] / text[3]:.2f} s each "
        f"({text[4] / text[3]:.2f} s CPU, n={text[3]}); photos and scans {photo[0] / photo[1]:.1%} right, "
        f"{photo[2] / photo[3]:.2f} s each ({photo[4] / photo[3]:.2f} s CPU, n={photo[3]}); load {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
