"""CEU cycle rules on worked cases, with the rules as plans/aapc.toml and plans/ahima.toml give them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta

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


def test_cpc_earned_2023_05_15_with_may_renewal_gets_no_17_day_first_cycle():
    setup = aapc("CPC", earned=D(2023, 5, 15), month=5)
    first = cycles.cycle_containing(AAPC, setup, D(2023, 5, 20))
    assert (first.start, first.end, first.first) == (D(2023, 5, 15), D(2025, 5, 31), True)
    assert cycles.cycle_requirement(AAPC, setup, first) == 36  # 24 months: the full figure
    assert [c.end for c in cycles.cycles_through(AAPC, setup, D(2026, 11, 23))] == [D(2025, 5, 31), D(2027, 5, 31)]


def test_cpc_earned_2024_02_29_with_february_renewal_gets_no_one_day_first_cycle():
    setup = aapc("CPC", earned=D(2024, 2, 29), month=2)
    first = cycles.cycle_containing(AAPC, setup, D(2024, 2, 29))
    assert (first.start, first.end) == (D(2024, 2, 29), D(2026, 2, 28))
    assert cycles.cycle_requirement(AAPC, setup, first) == 36


def test_first_aapc_requirement_is_estimated_by_months_and_marked_as_an_estimate():
    setup = aapc("CPC", earned=D(2025, 11, 20), month=5)  # 18 months to May 2027
    first = cycles.cycle_containing(AAPC, setup, D(2026, 1, 1))
    assert first.end == D(2027, 5, 31)
    assert cycles.first_cycle_estimate(AAPC, setup, first) == 27  # 36 x 18 / 24
    assert cycles.cycle_requirement(AAPC, setup, first) == 27
    assert cycles.requirement_is_estimate(AAPC, setup, first)
    assert AAPC.first_cycle.confidence == "low" and AAPC.first_cycle.source.startswith("https://www.aapc.com/")


def test_first_aapc_estimate_rounds_up_and_counts_every_credential_held():
    setup = aapc("CPC", "CRC", earned=D(2026, 2, 1), month=3)  # 13 months: 40 x 13 / 24 = 21.7
    first = cycles.cycle_containing(AAPC, setup, D(2026, 11, 23))
    assert cycles.cycle_requirement(AAPC, setup, first) == 22


def test_the_figure_from_the_aapc_tracker_replaces_the_estimate():
    setup = aapc("CPC", earned=D(2025, 11, 20), month=5, first=Decimal("24"))
    first = cycles.cycle_containing(AAPC, setup, D(2026, 1, 1))
    assert cycles.cycle_requirement(AAPC, setup, first) == 24
    assert not cycles.requirement_is_estimate(AAPC, setup, first)


def test_a_due_date_under_six_months_away_rolls_to_the_next_due_year():
    setup = aapc("CPC", earned=D(2024, 12, 10), month=5)  # May 2025 is under 6 months away
    first = cycles.cycle_containing(AAPC, setup, D(2025, 1, 1))
    assert (first.start, first.end) == (D(2024, 12, 10), D(2027, 5, 31))
    assert cycles.cycle_requirement(AAPC, setup, first) == 36  # capped at the full figure
    later = aapc("CPC", earned=D(2024, 10, 10), month=5)  # 7 months: kept, pro-rated
    first = cycles.cycle_containing(AAPC, later, D(2025, 1, 1))
    assert (first.end, cycles.cycle_requirement(AAPC, later, first)) == (D(2025, 5, 31), 11)


def test_ahima_cycle_end_entered_as_the_exact_anniversary_adds_no_one_day_cycle():
    setup = ahima("CCA", earned=D(2024, 3, 10), end=D(2026, 3, 10))
    history = cycles.cycles_through(AHIMA, setup, D(2026, 11, 23))
    assert [(c.start, c.end) for c in history] == [(D(2024, 3, 10), D(2026, 3, 10)), (D(2026, 3, 11), D(2028, 3, 10))]
    assert all(c.days > 365 for c in history)


def test_ahima_cycle_end_the_day_after_passing_is_not_a_first_cycle():
    setup = ahima("CCA", earned=D(2024, 3, 10), end=D(2024, 3, 11))
    first = cycles.cycle_containing(AHIMA, setup, D(2024, 3, 10))
    assert (first.start, first.end) == (D(2024, 3, 10), D(2026, 3, 11))
    assert cycles.cycle_requirement(AHIMA, setup, first) == 20


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


@pytest.mark.parametrize("count", [1, 2, 3, 9])
@pytest.mark.parametrize("day", [D(2020, 6, 14), D(2020, 6, 15), D(2021, 5, 31), D(2021, 6, 1), D(2026, 11, 23), D(2031, 1, 1)])
def test_latest_cycles_are_the_last_of_every_cycle_newest_first(day, count):
    for body, setup in ((AAPC, aapc("CPC", earned=D(2020, 6, 15), month=5)),
                        (AHIMA, Setup((HeldCredential("RHIT", D(2020, 6, 15)),), cycle_end=D(2027, 1, 14)))):
        assert cycles.latest_cycles(body, setup, day, count) == cycles.cycles_through(body, setup, day)[::-1][:count]


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


def test_pace_statuses_follow_the_thresholds_in_the_data():
    setup = aapc("CPC", month=5)
    today = D(2026, 11, 23)  # 189 days (about 6 months) before May 31, 2027
    cycle = cycles.cycle_containing(AAPC, setup, today)

    def status(earned):
        return cycles.standing(AAPC, cycles.tally(AAPC, setup, [ceu(D(2025, 7, 1), earned)], cycle), today)

    assert AAPC.status.steady_per_month == 3 and AAPC.status.at_risk_per_month == 6
    assert status("30").status == cycles.ON_TRACK  # 6 to go: 1 a month
    assert status("18").status == cycles.ON_TRACK  # 18 to go: 3 a month
    assert status("10").status == cycles.BEHIND_PACE  # 26 to go: about 4 a month
    assert status("0").status == cycles.BEHIND_PACE  # 36 to go: 5.8 a month
    late = D(2027, 3, 1)  # 3 months left
    at_risk = cycles.standing(AAPC, cycles.tally(AAPC, setup, [ceu(D(2025, 7, 1), "10")], cycle), late)
    assert at_risk.status == cycles.AT_RISK  # 26 to go: about 8.5 a month
    assert at_risk.label == "At risk"


def test_status_gives_the_reason_in_words():
    setup = aapc("CPC", "CRC", month=5)
    today = D(2026, 11, 30)
    cycle = cycles.cycle_containing(AAPC, setup, today)
    standing = cycles.standing(AAPC, cycles.tally(AAPC, setup, [ceu(D(2025, 7, 1), "22")], cycle), today)
    assert standing.next_step.startswith("18 CEUs in 6 months left: about 3 a month, by May 31, 2027")
    assert standing.status == cycles.ON_TRACK


def test_behind_pace_says_what_brings_it_back_calmly():
    setup = aapc("CPC", month=5)
    today = D(2026, 11, 23)
    cycle = cycles.cycle_containing(AAPC, setup, today)
    behind = cycles.standing(AAPC, cycles.tally(AAPC, setup, [ceu(D(2025, 7, 1), "10")], cycle), today)
    assert behind.label == "Behind pace"
    assert "26 CEUs in 6 months left: about 4 a month" in behind.next_step


def test_brand_new_cycle_with_no_ceus_on_day_2_is_not_at_risk():
    setup = aapc("CPC", earned=D(2020, 6, 15), month=5)
    today = D(2025, 6, 2)  # day 2 of the cycle ending May 31, 2027
    cycle = cycles.cycle_containing(AAPC, setup, today)
    standing = cycles.standing(AAPC, cycles.tally(AAPC, setup, [], cycle), today)
    assert standing.status == cycles.ON_TRACK
    assert standing.next_step.startswith("36 CEUs in 24 months left: about 1.5 a month")


def test_a_cycle_with_653_days_left_is_not_at_risk():
    setup = aapc("CPC", earned=D(2020, 6, 15), month=5)
    today = D(2027, 5, 31) - dt.timedelta(days=653)
    cycle = cycles.cycle_containing(AAPC, setup, today)
    standing = cycles.standing(AAPC, cycles.tally(AAPC, setup, [], cycle), today)
    assert standing.days_left == 653
    assert standing.status == cycles.ON_TRACK


def test_pace_alone_never_alarms_in_the_first_quarter_of_a_cycle():
    # An AHIMA first cycle of 7 months needing 20 (about 3 a month and more): quiet at first.
    setup = ahima("CCA", earned=D(2026, 1, 10), end=D(2026, 8, 9))
    cycle = cycles.cycle_containing(AHIMA, setup, D(2026, 1, 20))
    assert cycle.first and cycle.end == D(2026, 8, 9)
    early = cycles.standing(AHIMA, cycles.tally(AHIMA, setup, [], cycle), D(2026, 2, 10))
    assert early.status == cycles.ON_TRACK
    later = cycles.standing(AHIMA, cycles.tally(AHIMA, setup, [], cycle), D(2026, 5, 1))
    assert later.status == cycles.AT_RISK


def test_cpc_earned_last_month_never_reads_at_risk():
    for earned in (D(2026, 10, 15), D(2026, 5, 20), D(2026, 11, 30), D(2027, 3, 3)):
        for month in range(1, 13):
            setup = aapc("CPC", earned=earned, month=month)
            today = earned + relativedelta(months=1)
            cycle = cycles.cycle_containing(AAPC, setup, today)
            standing = cycles.standing(AAPC, cycles.tally(AAPC, setup, [], cycle), today)
            assert standing.status == cycles.ON_TRACK, (earned, month, standing.next_step)


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


def test_ahima_is_complete_only_once_ceus_are_reported_and_the_fee_paid():
    setup = ahima("CCA")
    cycle = cycles.cycle_containing(AHIMA, setup, D(2027, 1, 1))
    result = cycles.tally(AHIMA, setup, [ceu(D(2026, 6, 1), "20", applies_to="CCA")], cycle)
    met = cycles.standing(AHIMA, result, D(2027, 1, 1))
    assert met.status == cycles.MET
    assert met.next_step.startswith("Report your CEUs and pay the recertification fee")
    assert met.submission_opens is None  # reported in the AHIMA account at any time
    assert cycles.standing(AHIMA, result, D(2027, 1, 1), submitted_on=D(2027, 1, 1)).status == cycles.COMPLETE


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


# -- credentials that change ----------------------------------------------------------------------

def test_rhit_then_rhia_needs_30_not_40():
    setup = Setup((
        HeldCredential("RHIT", D(2022, 3, 10), replaced_on=D(2025, 6, 1)),
        HeldCredential("RHIA", D(2025, 6, 1)),
    ), cycle_end=D(2026, 3, 9))
    cycle = cycles.cycle_containing(AHIMA, setup, D(2026, 11, 23))
    assert setup.codes_held_on(cycle.end) == ["RHIA"]
    assert cycles.cycle_requirement(AHIMA, setup, cycle) == 30
    before = cycles.cycle_containing(AHIMA, setup, D(2024, 1, 1))
    assert cycles.cycle_requirement(AHIMA, setup, before) == 20  # RHIT alone then


def test_a_converted_cpc_holder_needs_36_not_40():
    # CPC-A converted to CPC is one credential (the same row, its code changed): one code held.
    setup = aapc("CPC", earned=D(2024, 7, 1), month=5)
    cycle = cycles.cycle_containing(AAPC, setup, D(2026, 11, 23))
    assert cycles.cycle_requirement(AAPC, setup, cycle) == 36


# -- one activity, several credentials ------------------------------------------------------------

def test_one_ceu_applied_to_two_aapc_subsets_counts_toward_each_and_once_toward_the_total():
    setup = aapc("CPC", "CPMA", "CEMC", month=5)
    cycle = cycles.cycle_containing(AAPC, setup, D(2026, 11, 23))
    both = ceu(D(2026, 3, 1), "4", applies_to=("CPMA", "CEMC"))
    result = cycles.tally(AAPC, setup, [both], cycle)
    assert result.earned == 4
    assert {s.code: s.earned for s in result.subsets} == {"CPMA": 4, "CEMC": 4}


def test_a_ceu_for_a_credential_held_and_one_not_held_still_counts():
    setup = aapc("CPC", "CPMA", month=5)
    cycle = cycles.cycle_containing(AAPC, setup, D(2026, 11, 23))
    result = cycles.tally(AAPC, setup, [ceu(D(2026, 3, 1), "2", applies_to=("CPMA", "CEMC"))], cycle)
    assert result.earned == 2
    assert cycles.check_activity(AAPC, setup, D(2026, 3, 1), ("CPMA", "CEMC"), D(2026, 11, 23)) == "You do not hold CEMC."


# -- credentials outside the catalogue ------------------------------------------------------------

def test_a_credential_outside_the_catalogue_runs_on_what_the_user_entered():
    rules = cycles.other_body_rules(CATALOG.other_rules, "other-7", "ACDIS", "CCDS", "Certified Clinical Documentation Specialist", 30, 2)
    setup = Setup((HeldCredential("CCDS", D(2025, 3, 1)),), cycle_end=D(2027, 2, 28))
    cycle = cycles.cycle_containing(rules, setup, D(2026, 11, 23))
    assert (cycle.start, cycle.end, cycles.cycle_requirement(rules, setup, cycle)) == (D(2025, 3, 1), D(2027, 2, 28), 30)
    assert rules.status == CATALOG.other_rules.status
    assert "as you entered them" in rules.requirement_note
