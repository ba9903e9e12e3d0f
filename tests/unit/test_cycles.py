"""CEU cycle rules on worked cases, with the rules as plans/aapc.toml and plans/ahima.toml give them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from tracker.catalog import CatalogError, load_catalog
from tracker.domain import cycles
from tracker.domain.cycles import Activity, HeldCredential, Setup

PLANS = Path(__file__).resolve().parents[2] / "plans"
CATALOG = load_catalog(PLANS)
AAPC = CATALOG.bodies["aapc"]
AHIMA = CATALOG.bodies["ahima"]
D = dt.date


def aapc(*codes: str, earned=D(2020, 6, 15), month=5, first=None) -> Setup:
    return Setup(tuple(HeldCredential(c, earned) for c in codes), renewal_month=month, first_cycle_ceus=first)


def ahima(*codes: str, earned=D(2024, 3, 10), end=D(2026, 3, 9)) -> Setup:
    return Setup(tuple(HeldCredential(c, earned) for c in codes), cycle_end=end)


def ceu(day, amount="1", *, id=None, reference="", applies_to="", next_cycle=False, title="Course"):
    ceu.counter += 1
    return Activity(id or ceu.counter, day, Decimal(amount), title, reference, applies_to, next_cycle)


ceu.counter = 0


# -- requirements ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("codes", "required"),
    [
        (["CPC"], 36),
        (["CPC", "CRC"], 40),
        (["CPC", "CRC", "CIC"], 44),
        (["CPC", "CRC", "CIC", "COC"], 48),
        (["CPC", "CRC", "CIC", "COC", "CPB"], 52),
        (["CPC", "CRC", "CIC", "COC", "CPB", "CPMA", "CEMC"], 52),
    ],
)
def test_aapc_requirement_grows_with_credentials_and_stops_at_52(codes, required):
    assert cycles.required_ceus(AAPC, codes) == required


@pytest.mark.parametrize(
    ("codes", "required"),
    [
        (["CCA"], 20),
        (["RHIA"], 30),
        (["RHIT", "CCS"], 30),
        (["RHIA", "CCS"], 40),
        (["RHIA", "CDIP", "CCS"], 50),
        (["RHIA", "CDIP", "CCS", "CHPS"], 50),
    ],
)
def test_ahima_requirement_is_the_largest_plus_ten_per_extra_capped_at_50(codes, required):
    assert cycles.required_ceus(AHIMA, codes) == required


# -- AAPC cycle dates -----------------------------------------------------------------------------

def test_march_renewal_month_puts_ceus_due_in_odd_years():
    setup = aapc("CPC", earned=D(2020, 1, 10), month=3)
    cycle = cycles.cycle_containing(AAPC, setup, D(2026, 11, 23))
    assert (cycle.start, cycle.end) == (D(2025, 4, 1), D(2027, 3, 31))
    assert cycles.next_cycle(AAPC, setup, cycle).end == D(2029, 3, 31)


def test_even_renewal_month_puts_ceus_due_in_even_years():
    setup = aapc("CPC", earned=D(2020, 1, 10), month=6)
    assert cycles.cycle_containing(AAPC, setup, D(2026, 11, 23)).end == D(2028, 6, 30)


def test_first_aapc_cycle_starts_on_the_day_earned_and_ends_at_the_next_due_date():
    setup = aapc("CPC", earned=D(2026, 2, 1), month=3)
    cycle = cycles.cycle_containing(AAPC, setup, D(2026, 11, 23))
    assert cycle == cycles.Cycle(D(2026, 2, 1), D(2027, 3, 31), first=True)


def test_first_cycle_uses_the_pro_rated_requirement_the_user_entered():
    setup = aapc("CPC", earned=D(2026, 2, 1), month=3, first=Decimal("18"))
    cycle = cycles.cycle_containing(AAPC, setup, D(2026, 11, 23))
    assert cycles.cycle_requirement(AAPC, setup, cycle) == 18
    later = cycles.next_cycle(AAPC, setup, cycle)
    assert cycles.cycle_requirement(AAPC, setup, later) == 36


def test_boundary_days_belong_to_the_right_cycle():
    setup = aapc("CPC", month=5)
    assert cycles.cycle_containing(AAPC, setup, D(2027, 5, 31)).end == D(2027, 5, 31)
    assert cycles.cycle_containing(AAPC, setup, D(2027, 6, 1)).end == D(2029, 5, 31)
    assert cycles.cycle_containing(AAPC, setup, D(2025, 6, 1)).start == D(2025, 6, 1)


def test_february_renewal_month_ends_on_the_29th_in_leap_years():
    setup = aapc("CPC", earned=D(2020, 1, 1), month=2)
    assert cycles.cycle_containing(AAPC, setup, D(2027, 3, 1)).end == D(2028, 2, 29)
    assert cycles.cycle_containing(AAPC, setup, D(2028, 3, 1)).end == D(2030, 2, 28)


def test_a_december_cycle_runs_across_the_year_end():
    setup = aapc("CPC", earned=D(2019, 5, 1), month=12)
    cycle = cycles.cycle_containing(AAPC, setup, D(2027, 1, 1))
    assert (cycle.start, cycle.end) == (D(2027, 1, 1), D(2028, 12, 31))


def test_no_cycle_before_the_first_credential_was_earned():
    setup = aapc("CPC", earned=D(2026, 2, 1), month=3)
    assert cycles.cycle_containing(AAPC, setup, D(2026, 1, 31)) is None


def test_cycles_through_lists_every_cycle_from_the_first():
    setup = aapc("CPC", earned=D(2020, 6, 15), month=5)
    ends = [c.end for c in cycles.cycles_through(AAPC, setup, D(2026, 11, 23))]
    assert ends == [D(2021, 5, 31), D(2023, 5, 31), D(2025, 5, 31), D(2027, 5, 31)]


# -- AHIMA cycle dates ----------------------------------------------------------------------------

def test_ahima_cycles_follow_the_end_date_the_user_entered():
    setup = ahima("RHIT", earned=D(2024, 3, 10), end=D(2026, 3, 9))
    cycle = cycles.cycle_containing(AHIMA, setup, D(2026, 11, 23))
    assert (cycle.start, cycle.end) == (D(2026, 3, 10), D(2028, 3, 9))
    first = cycles.cycle_containing(AHIMA, setup, D(2024, 3, 10))
    assert (first.start, first.end, first.first) == (D(2024, 3, 10), D(2026, 3, 9), True)


def test_ahima_proposed_end_is_two_years_from_the_pass_date_not_december_31():
    assert cycles.proposed_cycle_end(AHIMA, D(2025, 6, 10)) == D(2027, 6, 9)
    assert cycles.proposed_cycle_end(AHIMA, D(2024, 2, 29)) == D(2026, 2, 28)


# -- what counts ----------------------------------------------------------------------------------

def test_renewal_month_ceus_ask_which_cycle_and_count_where_the_user_says():
    setup = aapc("CPC", month=5)
    assert cycles.in_renewal_month_overlap(AAPC, setup, D(2027, 5, 10))
    assert not cycles.in_renewal_month_overlap(AAPC, setup, D(2026, 5, 10))  # not a due year
    assert not cycles.in_renewal_month_overlap(AAPC, setup, D(2027, 6, 1))
    ending = cycles.cycle_containing(AAPC, setup, D(2027, 5, 10))
    later = cycles.next_cycle(AAPC, setup, ending)
    stay, move = ceu(D(2027, 5, 10)), ceu(D(2027, 5, 12), next_cycle=True)
    assert cycles.tally(AAPC, setup, [stay, move], ending).counted == (stay,)
    assert cycles.tally(AAPC, setup, [stay, move], later).counted == (move,)


def test_the_same_index_number_counts_once_and_says_why():
    setup = aapc("CPC", month=5)
    first = ceu(D(2026, 1, 5), "2", reference="IDX-1", title="E/M 2026")
    again = ceu(D(2026, 2, 5), "2", reference="idx-1", title="E/M 2026 again")
    cycle = cycles.cycle_containing(AAPC, setup, D(2026, 11, 23))
    result = cycles.tally(AAPC, setup, [again, first], cycle)
    assert result.counted == (first,)
    assert result.earned == 2
    assert "counts once" in result.not_counted[0].reason


def test_a_course_repeated_in_a_later_cycle_still_counts_once():
    setup = aapc("CPC", month=5)
    old = ceu(D(2024, 1, 5), reference="IDX-9")
    repeat = ceu(D(2026, 1, 5), reference="IDX-9")
    cycle = cycles.cycle_containing(AAPC, setup, D(2026, 11, 23))
    assert cycles.tally(AAPC, setup, [old, repeat], cycle).counted == ()


def test_ceus_of_a_past_cycle_do_not_count_now():
    setup = aapc("CPC", month=5)
    cycle = cycles.cycle_containing(AAPC, setup, D(2026, 11, 23))
    assert cycles.tally(AAPC, setup, [ceu(D(2025, 5, 31), "5")], cycle).earned == 0


def test_cpma_auditing_subset_has_its_own_need_inside_the_total():
    setup = aapc("CPC", "CPMA", month=5)
    cycle = cycles.cycle_containing(AAPC, setup, D(2026, 11, 23))
    general = [ceu(D(2026, 1, 1) + dt.timedelta(days=i), "1") for i in range(36)]
    audit = [ceu(D(2026, 3, 1), "4", applies_to="CPMA")]
    result = cycles.tally(AAPC, setup, general + audit, cycle)
    assert result.required == 40
    assert result.earned == 40
    (subset,) = result.subsets
    assert (subset.code, subset.required, subset.earned, subset.needed) == ("CPMA", 16, 4, 12)
    assert result.needed == 12  # the total is met, the auditing CEUs are not


def test_surplus_is_reported_and_does_not_carry_over():
    setup = aapc("CPC", month=5)
    cycle = cycles.cycle_containing(AAPC, setup, D(2026, 11, 23))
    result = cycles.tally(AAPC, setup, [ceu(D(2026, 1, 1), "40")], cycle)
    assert (result.earned, result.needed, result.surplus) == (40, 0, 4)
    later = cycles.next_cycle(AAPC, setup, cycle)
    assert cycles.tally(AAPC, setup, [ceu(D(2026, 1, 1), "40")], later).earned == 0


def test_ahima_ceus_are_counted_per_credential():
    setup = ahima("RHIT", "CCS")
    cycle = cycles.cycle_containing(AHIMA, setup, D(2026, 11, 23))
    result = cycles.tally(AHIMA, setup, [ceu(D(2026, 4, 1), "12", applies_to="RHIT"), ceu(D(2026, 5, 1), "3.5", applies_to="CCS")], cycle)
    assert result.required == 30
    assert dict(result.by_credential) == {"RHIT": Decimal("12"), "CCS": Decimal("3.5")}
    assert result.needed == Decimal("14.5")


def test_activities_before_certification_or_in_the_future_are_refused_with_a_reason():
    setup = aapc("CPC", earned=D(2026, 2, 1), month=3)
    today = D(2026, 11, 23)
    assert "before your first AAPC credential" in cycles.check_activity(AAPC, setup, D(2026, 1, 31), "", today)
    assert "future" in cycles.check_activity(AAPC, setup, D(2026, 11, 24), "", today)
    assert cycles.check_activity(AAPC, setup, D(2026, 2, 1), "", today) is None
    assert "do not hold CPMA" in cycles.check_activity(AAPC, setup, D(2026, 3, 1), "CPMA", today)


# -- standing -------------------------------------------------------------------------------------

def test_cpc_and_crc_with_22_ceus_need_18_more_by_may_31_of_the_next_odd_year():
    setup = aapc("CPC", "CRC", month=5)
    today = D(2026, 11, 23)
    cycle = cycles.cycle_containing(AAPC, setup, today)
    activities = [ceu(D(2025, 7, 1) + dt.timedelta(days=10 * i), "1") for i in range(22)]
    standing = cycles.standing(AAPC, cycles.tally(AAPC, setup, activities, cycle), today)
    assert cycle.end == D(2027, 5, 31)
    assert (standing.tally.required, standing.tally.earned, standing.tally.needed) == (40, 22, 18)
    assert standing.days_left == (D(2027, 5, 31) - today).days == 189
    assert standing.submission_opens == D(2027, 4, 30)


def test_at_risk_when_the_pace_needed_is_above_the_pace_so_far():
    setup = aapc("CPC", month=5)
    today = D(2026, 11, 23)
    cycle = cycles.cycle_containing(AAPC, setup, today)
    slow = cycles.standing(AAPC, cycles.tally(AAPC, setup, [ceu(D(2025, 7, 1), "10")], cycle), today)
    assert slow.status == cycles.AT_RISK
    assert slow.pace_needed > slow.pace_so_far
    fast = cycles.standing(AAPC, cycles.tally(AAPC, setup, [ceu(D(2025, 7, 1), "30")], cycle), today)
    assert fast.status == cycles.ON_TRACK
    assert fast.pace_needed <= fast.pace_so_far


def test_met_until_submitted_then_complete():
    setup = aapc("CPC", month=5)
    today = D(2026, 11, 23)
    cycle = cycles.cycle_containing(AAPC, setup, today)
    result = cycles.tally(AAPC, setup, [ceu(D(2026, 1, 1), "36")], cycle)
    assert cycles.standing(AAPC, result, today).status == cycles.MET
    assert cycles.standing(AAPC, result, today, submitted_on=D(2026, 11, 1)).status == cycles.COMPLETE


def test_aapc_overdue_after_the_due_date_and_lapsed_after_90_days():
    setup = aapc("CPC", month=5)
    cycle = cycles.cycle_containing(AAPC, setup, D(2027, 5, 1))
    result = cycles.tally(AAPC, setup, [], cycle)
    assert cycles.standing(AAPC, result, D(2027, 6, 1)).status == cycles.OVERDUE
    assert cycles.standing(AAPC, result, D(2027, 8, 29)).status == cycles.OVERDUE  # day 90
    lapsed = cycles.standing(AAPC, result, D(2027, 8, 30))
    assert lapsed.status == cycles.LAPSED
    assert "reinstates" in lapsed.next_step


def test_ahima_inactive_at_cycle_end_and_revoked_after_180_days():
    setup = ahima("RHIT")
    cycle = cycles.cycle_containing(AHIMA, setup, D(2027, 1, 1))
    result = cycles.tally(AHIMA, setup, [], cycle)
    inactive = cycles.standing(AHIMA, result, D(2028, 3, 10))
    assert inactive.status == cycles.INACTIVE
    assert "$50" in inactive.next_step
    assert cycles.standing(AHIMA, result, cycle.end + dt.timedelta(days=181)).status == cycles.LAPSED


def test_ahima_needs_no_submission_to_be_complete():
    setup = ahima("CCA")
    cycle = cycles.cycle_containing(AHIMA, setup, D(2027, 1, 1))
    result = cycles.tally(AHIMA, setup, [ceu(D(2026, 6, 1), "20", applies_to="CCA")], cycle)
    assert cycles.standing(AHIMA, result, D(2027, 1, 1)).status == cycles.COMPLETE


# -- duties, apprentice, calendar -----------------------------------------------------------------

def test_aapc_dues_fall_every_year_at_the_end_of_the_renewal_month():
    dues = cycles.duties_between(AAPC, aapc("CPC", month=5), D(2026, 11, 23), D(2029, 1, 1))
    assert [(d.duty.key, d.due_on) for d in dues] == [
        ("membership-dues", D(2027, 5, 31)), ("membership-dues", D(2028, 5, 31)),
    ]


def test_ahima_fee_falls_on_each_cycle_end_and_grows_per_credential():
    dues = cycles.duties_between(AHIMA, ahima("RHIT", "CCS"), D(2026, 11, 23), D(2031, 1, 1))
    assert [(d.due_on, d.amount) for d in dues] == [(D(2028, 3, 9), 268), (D(2030, 3, 9), 268)]


@pytest.mark.parametrize(
    ("months", "course", "practicode", "done"),
    [(24, False, False, True), (12, True, False, True), (12, False, True, True), (0, True, True, True),
     (23, False, False, False), (11, True, False, False), (0, True, False, False)],
)
def test_apprentice_designation_routes(months, course, practicode, done):
    assert cycles.apprentice_status(AAPC.apprentice, months, course, practicode).done is done


def test_apprentice_status_names_what_is_missing_on_the_closest_route():
    status = cycles.apprentice_status(AAPC.apprentice, 10, False, False)
    assert status.closest.missing == ("2 more months of verified coding experience", "the 80-contact-hour coding course")


def test_code_set_calendar_lists_the_updates_in_a_window():
    (calendar,) = CATALOG.calendars.values()
    dates = cycles.code_set_dates(calendar, D(2026, 12, 1), D(2027, 4, 1))
    assert [(d.on, d.event.key) for d in dates] == [
        (D(2027, 1, 1), "cpt-annual"), (D(2027, 1, 1), "hcpcs-quarterly"),
        (D(2027, 4, 1), "hcpcs-quarterly"), (D(2027, 4, 1), "icd10-april"),
    ]
    assert dates[1].event.confidence == "medium"


# -- the data files -------------------------------------------------------------------------------

def test_a_malformed_credentials_file_names_the_file_the_field_and_the_problem(tmp_path):
    for source in PLANS.glob("*.toml"):
        (tmp_path / source.name).write_text(source.read_text())
    broken = (tmp_path / "aapc.toml").read_text().replace("by_count = [36, 40, 44, 48, 52]", "by_count = [36, 30]")
    (tmp_path / "aapc.toml").write_text(broken)
    with pytest.raises(CatalogError) as error:
        load_catalog(tmp_path)
    assert str(error.value) == f"{tmp_path.name}/aapc.toml: requirement.by_count[1]: must not be smaller than the figure before it"
