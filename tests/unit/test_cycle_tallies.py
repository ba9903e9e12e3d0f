"""A whole history tallied in one pass equals each cycle tallied on its own, for any CEU log."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.catalog import load_catalog
from tracker.domain import cycles
from tracker.domain.cycles import Activity, HeldCredential, Setup

CATALOG = load_catalog(Path(__file__).resolve().parents[2] / "plans")
AAPC = CATALOG.bodies["aapc"]
AHIMA = CATALOG.bodies["ahima"]
TODAY = dt.date(2026, 11, 20)

days = st.dates(min_value=dt.date(2019, 1, 1), max_value=TODAY)
references = st.sampled_from(["", "", "IDX1", "idx1 ", "IDX2", "PRG-9"])


def logs(codes: list[str]):
    activity = st.tuples(
        days, st.integers(1, 400).map(lambda n: Decimal(n) / 100), references,
        st.sampled_from([(), *((code,) for code in codes)]), st.booleans(),
    )
    return st.lists(activity, max_size=40).map(lambda rows: [
        Activity(n + 1, day, ceus, f"Course {n}", reference, applies_to, next_cycle)
        for n, (day, ceus, reference, applies_to, next_cycle) in enumerate(rows)
    ])


def check_same(rules, setup, log) -> None:
    history = cycles.cycles_through(rules, setup, TODAY)[::-1]
    cycles_of = cycles.cycles_of_activities(rules, setup, log)
    together = cycles.tallies(rules, setup, log, history, cycles_of)
    assert together == [cycles.tally(rules, setup, log, cycle) for cycle in history]
    assert cycles.tallies(rules, setup, log, history) == together


@settings(max_examples=150, deadline=None)
@given(log=logs(["CPC", "CRC", "CPMA"]), month=st.integers(1, 12))
def test_aapc_history_in_one_pass_equals_each_cycle_alone(log, month):
    setup = Setup((HeldCredential("CPC", dt.date(2019, 6, 15)), HeldCredential("CRC", dt.date(2022, 3, 1)),
                   HeldCredential("CPMA", dt.date(2023, 7, 1), dt.date(2025, 1, 1))), renewal_month=month)
    check_same(AAPC, setup, log)


@settings(max_examples=150, deadline=None)
@given(log=logs(["RHIT", "CCS"]))
def test_ahima_history_in_one_pass_equals_each_cycle_alone(log):
    setup = Setup((HeldCredential("RHIT", dt.date(2019, 9, 10)), HeldCredential("CCS", dt.date(2023, 2, 1))),
                  cycle_end=dt.date(2027, 9, 9))
    check_same(AHIMA, setup, log)
