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


# -- the same totals from sums (what the database adds up for the dashboard) ----------------------

def sums_as_the_database_makes_them(rules, setup, log, wanted) -> list[cycles.Sum]:
    """What the services' SQL gives: each activity in the window that holds it, flagged when its
    reference repeats an earlier one (in date, id order), one group per activity."""
    found = cycles.windows(rules, setup, wanted)
    seen: set[str] = set()
    repeat = {}
    for activity in sorted(log, key=lambda a: (a.completed_on, a.id)):
        key = cycles.reference_key(activity.reference)
        repeat[activity.id] = bool(key) and key in seen
        if key:
            seen.add(key)
    sums = []
    for activity in log:
        holding = [i for i, window in enumerate(found) if window.holds(activity.completed_on, activity.next_cycle)]
        assert len(holding) <= 1
        if holding:
            sums.append(cycles.Sum(holding[0], activity.applies_to, repeat[activity.id], activity.ceus))
    return sums


def totals(tally: cycles.Tally):
    return tally.cycle, tally.earned, tally.required, tally.needed, tally.subsets, tally.by_credential


def check_sums(rules, setup, log) -> None:
    history = cycles.cycles_through(rules, setup, TODAY)[::-1]
    # A window holds exactly the activities cycle_of_activity places in its cycle.
    for window in cycles.windows(rules, setup, history):
        for activity in log:
            placed = cycles.cycle_of_activity(rules, setup, activity)
            assert window.holds(activity.completed_on, activity.next_cycle) == (placed == window.cycle), (window, activity)
    for wanted in (history[:2], history):
        sums = sums_as_the_database_makes_them(rules, setup, log, wanted)
        from_sums = cycles.tallies_from_sums(rules, setup, wanted, sums)
        one_by_one = cycles.tallies(rules, setup, log, wanted)
        assert [totals(t) for t in from_sums] == [totals(t) for t in one_by_one]


@settings(max_examples=150, deadline=None)
@given(log=logs(["CPC", "CRC", "CPMA"]), month=st.integers(1, 12))
def test_aapc_totals_from_sums_equal_the_tally_of_every_activity(log, month):
    setup = Setup((HeldCredential("CPC", dt.date(2019, 6, 15)), HeldCredential("CRC", dt.date(2022, 3, 1)),
                   HeldCredential("CPMA", dt.date(2023, 7, 1), dt.date(2025, 1, 1))), renewal_month=month)
    check_sums(AAPC, setup, log)


@settings(max_examples=150, deadline=None)
@given(log=logs(["RHIT", "CCS"]))
def test_ahima_totals_from_sums_equal_the_tally_of_every_activity(log):
    setup = Setup((HeldCredential("RHIT", dt.date(2019, 9, 10)), HeldCredential("CCS", dt.date(2023, 2, 1))),
                  cycle_end=dt.date(2027, 9, 9))
    check_sums(AHIMA, setup, log)


def test_reference_key_ignores_space_and_ascii_case_only():
    assert cycles.reference_key("  idx-1a ") == "IDX-1A"
    assert cycles.reference_key("é") == "é"  # what SQLite's upper() leaves alone, Rungs leaves alone too
