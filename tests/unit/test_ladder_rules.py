"""The ladder comparison on worked cases, with the rungs as plans/ladder.toml gives them."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tracker.catalog import CatalogError, load_catalog
from tracker.domain.ladder import Gap, check_gaps, compare, date_reaching, experience_years

PLANS = Path(__file__).resolve().parents[2] / "plans"
LADDER = load_catalog(PLANS).ladder
TODAY = dt.date(2026, 11, 23)
D = dt.date


def test_a_coder_with_two_and_a_half_years_and_a_cpc_compared_with_senior():
    c = compare(LADDER, "coder", D(2024, 5, 23), [], ["CPC"], {}, TODAY)
    assert c.next.title == "Senior Medical Coder"
    assert round(c.experience, 1) == 2.5
    assert c.reaches_next_on == D(2027, 5, 23)
    (experience, credential, focus) = c.parts
    assert not experience.met and experience.score == pytest.approx(2.5 / 3, abs=0.01)
    assert credential.name == "Credential: CCS or CPC-I" and not credential.met
    assert focus.explanation == "0 of 5 focus areas of Medical Coder checked off."
    assert c.readiness == round(100 * (experience.score + 0 + 0) / 3)
    assert c.pay_step == (65000 - 52000, 68000 - 55000)


def test_a_director_has_no_next_rung():
    c = compare(LADDER, "director", D(2005, 1, 1), [], ["RHIA"], {}, TODAY)
    assert c.next is None and c.parts == ()
    assert "Auditing" in c.current.lateral_moves


def test_someone_with_no_experience_compares_with_the_first_rung():
    c = compare(LADDER, None, None, [], [], {}, TODAY)
    assert c.current is None and c.next.key == "junior"
    assert c.experience == 0
    (experience, credential) = c.parts
    assert experience.met  # the first rung starts at 0 years
    assert not credential.met and "CPC" in credential.name


def test_experience_with_gaps_counts_only_the_time_worked():
    gaps = [Gap(D(2025, 1, 1), D(2025, 6, 30))]  # 181 days
    assert experience_years(D(2024, 1, 1), gaps, D(2026, 1, 1)) == pytest.approx((731 - 181) / 365.2425)
    assert date_reaching(D(2024, 1, 1), gaps, 3, TODAY) == D(2027, 1, 1) + dt.timedelta(days=181)


def test_a_rung_whose_credentials_are_met_but_not_its_years():
    c = compare(LADDER, "coder", D(2025, 3, 1), [], ["CCS", "CPC"], {a: True for a in LADDER.rung("coder").focus_areas}, TODAY)
    assert [p.met for p in c.parts] == [False, True, True]
    assert c.readiness < 100
    assert "you reach 3 on March 1, 2028" in c.parts[0].explanation


def test_medical_coder_since_march_2024_with_a_cpc_reaches_senior_years_in_march_2027():
    c = compare(LADDER, "coder", D(2024, 3, 1), [], ["CPC"], {}, TODAY)
    assert c.reaches_next_on == D(2027, 3, 1)
    assert (c.current.pay.median, c.next.pay.median) == (52000, 65000)
    assert [area for area, _ in c.focus] == list(LADDER.rung("coder").focus_areas)


@pytest.mark.parametrize(
    ("gaps", "problem"),
    [
        ([Gap(D(2025, 2, 1), D(2025, 1, 1))], "ends before it starts"),
        ([Gap(D(2023, 1, 1), D(2023, 2, 1))], "before you started coding work"),
        ([Gap(D(2025, 1, 1), D(2025, 3, 1)), Gap(D(2025, 2, 1), D(2025, 4, 1))], "overlap"),
    ],
)
def test_bad_gaps_are_explained(gaps, problem):
    assert problem in check_gaps(D(2024, 1, 1), gaps, TODAY)


def test_the_ladder_file_must_list_rungs_in_order(tmp_path):
    for source in PLANS.glob("*.toml"):
        (tmp_path / source.name).write_text(source.read_text())
    text = (tmp_path / "ladder.toml").read_text().replace('years = { min = 3, max = 5 }', 'years = { min = 0.5, max = 5 }')
    (tmp_path / "ladder.toml").write_text(text)
    with pytest.raises(CatalogError) as error:
        load_catalog(tmp_path)
    assert "ladder.toml: rungs[2].years.min: rungs must be in order" in str(error.value)
