"""Career stages, the credential a passed exam gives, and where a working coder stands: plain rules."""
from __future__ import annotations

from pathlib import Path

import pytest

from tracker.catalog import load_catalog
from tracker.domain import career
from tracker.domain.career import credential_for_pass, dashboard_order, effective_stage, placed_rung

PLANS = Path(__file__).resolve().parents[2] / "plans"
CATALOG = load_catalog(PLANS)
LADDER = CATALOG.ladder
APPRENTICE_MONTHS = CATALOG.bodies["aapc"].apprentice.experience_months


def test_a_working_coder_sees_renewals_first():
    assert dashboard_order("certified")[0] == "renewals"


def test_someone_starting_out_sees_the_plan_first():
    assert dashboard_order("starting")[0] == "plan"


def test_someone_who_is_both_sees_renewals_then_the_plan():
    assert dashboard_order("both")[:2] == ("renewals", "plan")


@pytest.mark.parametrize("chosen, plans, credentials, expected", [
    ("starting", False, True, "starting"),  # a choice always wins
    (None, True, True, "both"),
    (None, False, True, "certified"),
    (None, True, False, "starting"),
    (None, False, False, None),  # an empty account: the dashboard asks
])
def test_the_stage_is_the_choice_else_what_the_data_shows(chosen, plans, credentials, expected):
    assert effective_stage(chosen, plans, credentials) == expected


def test_only_certified_and_both_are_working_coders():
    assert [s for s in career.STAGES if career.is_working(s)] == ["certified", "both"]


def test_a_cpc_passed_without_the_experience_aapc_asks_gives_cpc_a():
    result = credential_for_pass("CPC", "CPC-A", 0, APPRENTICE_MONTHS)
    assert (result.code, result.apprentice) == ("CPC-A", True)
    assert "after 2 years of coding experience; you have none yet" in result.reason


def test_a_cpc_passed_one_month_short_still_gives_cpc_a():
    result = credential_for_pass("CPC", "CPC-A", APPRENTICE_MONTHS - 1, APPRENTICE_MONTHS)
    assert result.code == "CPC-A" and "1 year 11 months" in result.reason


def test_a_cpc_passed_with_the_experience_gives_cpc():
    assert credential_for_pass("CPC", "CPC-A", APPRENTICE_MONTHS, APPRENTICE_MONTHS).code == "CPC"


def test_an_exam_without_an_apprentice_designation_gives_the_credential_as_passed():
    assert credential_for_pass("CCA", None, 0, None).code == "CCA"
    assert credential_for_pass("CCS", None, 0, APPRENTICE_MONTHS).code == "CCS"


def test_every_pathway_exam_names_the_credential_it_adds():
    exams = {t.id: next(s.exam for s in t.steps if s.exam) for t in CATALOG.templates.values()}
    assert {k: (e.credential, e.apprentice_credential) for k, e in exams.items()} == {
        "cpc": ("CPC", "CPC-A"), "cca": ("CCA", None), "ccs": ("CCS", None), "crc": ("CRC", None),
    }


def test_a_working_coder_holding_cpc_crc_rhit_and_ccs_with_no_years_is_a_junior_coder():
    assert placed_rung(LADDER, 0, ["CPC", "CRC", "RHIT", "CCS"]).key == "junior"


def test_a_cpc_with_two_years_is_a_medical_coder():
    assert placed_rung(LADDER, 2, ["CPC"]).key == "coder"


def test_years_without_the_favoured_credential_stop_the_climb():
    # Senior favours CCS or CPC-I: a CPC with four years stays a Medical Coder
    assert placed_rung(LADDER, 4, ["CPC"]).key == "coder"
    assert placed_rung(LADDER, 4, ["CPC", "CCS"]).key == "senior"


def test_a_working_coder_with_no_listed_credential_stands_on_the_first_rung():
    assert placed_rung(LADDER, 10, []).key == "junior"
