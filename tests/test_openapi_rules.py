"""The OpenAPI document states every rule the API enforces, so that a client built from it is never
refused a request it thinks valid: bounded ids in paths, date ranges, text without control
characters, bounded numbers, and the fields that go together."""
from __future__ import annotations

import re

import pytest

from tracker.domain.limits import EARLIEST, LATEST, MAX_ID

REQUESTS = ["PlanCreate", "PlanPatch", "MilestoneCreate", "MilestonePatch", "CredentialCreate", "CredentialPatch",
            "CeuCreate", "CeuPatch", "MePatch", "ReminderPreferencesPatch"]


@pytest.fixture
def document(app):
    return app.test_client().get("/api/v1/openapi.json").json


def properties(document, name):
    return document["components"]["schemas"][name]["properties"]


def test_every_id_in_a_path_is_bounded(document):
    ids = [p for path in document["paths"].values() for op in path.values() if isinstance(op, dict)
           for p in op.get("parameters", []) if p.get("in") == "path" and p["schema"].get("type") == "integer"]
    ids += [p for path in document["paths"].values() for p in path.get("parameters", [])
            if p.get("in") == "path" and p["schema"].get("type") == "integer"]
    assert len(ids) >= 5
    assert all(p["schema"]["minimum"] == 1 and p["schema"]["maximum"] == MAX_ID for p in ids), ids


@pytest.mark.parametrize("name", REQUESTS)
def test_request_fields_state_their_limits(document, name):
    for field, schema in properties(document, name).items():
        where = f"{name}.{field}"
        if schema.get("format") == "date":
            assert schema["x-minimum"] == str(EARLIEST) and schema["x-maximum"] == str(LATEST), where
            assert f"{EARLIEST} to {LATEST}" in schema["description"], where
        elif schema.get("type") == "string" and "enum" not in schema:
            assert "pattern" in schema and "control characters" in schema["description"], where
            assert "maxLength" in schema, where
        elif schema.get("type") in ("integer", "number"):
            assert "minimum" in schema and "maximum" in schema, where
        elif schema.get("type") == "array":
            assert "maxItems" in schema, where


@pytest.mark.parametrize("name, words", [
    ("MilestonePatch", ["duration_amount and duration_unit", "only with status", "done needs completed_on"]),
    ("CredentialCreate", ["renewal_month", "cycle_end", "not in the future"]),
    ("CeuCreate", ["two decimals", "next_cycle"]),
])
def test_fields_that_go_together_are_described(document, name, words):
    description = document["components"]["schemas"][name]["description"]
    for word in words:
        assert word in description, (name, word)


def test_the_text_pattern_is_the_rule_the_api_enforces(document):
    from tracker.domain.limits import text_problem

    single = properties(document, "PlanCreate")["title"]["pattern"]
    multi = properties(document, "MilestonePatch")["notes"]["pattern"]
    js = lambda pattern: re.compile(re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), pattern))  # noqa: E731
    for ch in map(chr, range(0, 160)):
        text = f"a{ch}b"
        assert bool(js(single).match(text)) == (text_problem(text) is None), repr(ch)
        assert bool(js(multi).match(text)) == (text_problem(text, multiline=True) is None), repr(ch)


def test_zero_ceus_are_outside_the_documented_range(document):
    ceus = properties(document, "CeuCreate")["ceus"]
    assert ceus["minimum"] == 0 and ceus["exclusiveMinimum"] is True
