"""A damaged export, changed anywhere into anything, is refused with a named field and changes
nothing, or (when the change happens to be valid) is imported: never any other error."""
from __future__ import annotations

import copy
import itertools
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.services import accounts, portability
from tracker.services.errors import Invalid

from test_portability import TODAY, build_rich_account, export, row_counts, user

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False) | st.text(max_size=30)
    | st.sampled_from(["", "2027-02-30", "2026-01-01", "0001.pdf", "../x", "aapc", "aapc:CPMA", "cpc", "CPC", "1.5", "-1", "1e400"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=6,
)


def paths(value, prefix=()):
    """Every place in a JSON document, containers included."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from paths(child, (*prefix, index))


def replaced(document, path, value):
    document = copy.deepcopy(document)
    if not path:
        return value
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return document


def test_a_document_damaged_anywhere_never_fails_with_anything_but_invalid(app, clock):
    with app.app_context():
        accounts.register("coder@example.com", "correct horse battery", "America/New_York")
        build_rich_account()
        document, archive = export()
    places = list(paths(document))
    fresh = itertools.count()
    state = {"email": None}

    def new_account():
        state["email"] = f"fresh{next(fresh)}@example.com"
        accounts.register(state["email"], "correct horse battery", "UTC")

    @settings(max_examples=150, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(place=st.sampled_from(places), value=json_values)
    def damaged(place, value):
        with app.app_context():
            if state["email"] is None:
                new_account()
            before = row_counts()
            files = sorted(Path(app.config["CERTIFICATE_DIR"]).rglob("*"))
            raw = json.dumps(replaced(document, place, value)).encode()
            try:
                portability.import_account(user(state["email"]), raw, archive, TODAY)
            except Invalid as error:
                assert error.field and error.message
                assert row_counts() == before, (place, value)
                assert sorted(Path(app.config["CERTIFICATE_DIR"]).rglob("*")) == files
            else:
                new_account()  # imported: the next example needs an empty account again

    damaged()
