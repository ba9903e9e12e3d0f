"""The catalog of plan templates in plans/: what ships, and how a bad file is reported."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from tracker.catalog import PARSERS, CatalogError, Reader, load_catalog, validate_catalog
from tracker.catalog.pathways import PACE_LABELS, PACES, DurationRange, PlanTemplate
from tracker.domain.durations import Duration, Unit

PLANS = Path(__file__).resolve().parents[2] / "plans"
TRACKS = ("cpc", "cca", "ccs")

# A small valid template; tests break one thing in it at a time. The two steps use different units
# so that a replace() reaches exactly one of them.
VALID = """\
kind = "pathway"
title = "Test track"
summary = "A track for tests."
credential = "CPC"
certifying_body = "AAPC"

[[sources]]
title = "A guide"

[[steps]]
key = "first"
title = "First"
description = "The first step."
duration = { min = 1, max = 2, planned = 1, unit = "weeks" }
pace = { full_time = 1.0, part_time = 2.0 }

[[steps]]
key = "second"
title = "Second"
description = "The second step."
duration = { min = 1, max = 3, planned = 2, unit = "months" }
pace = { full_time = 1.0, part_time = 2.0 }
"""


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def changed(old: str, new: str) -> str:
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


def load_error(tmp_path: Path, text: str, name: str = "bad.toml") -> str:
    plans = tmp_path / "plans"
    write(plans, name, text)
    with pytest.raises(CatalogError) as caught:
        load_catalog(plans)
    return str(caught.value)


@pytest.fixture(scope="module")
def shipped():
    return load_catalog(PLANS)


# -- what ships ----------------------------------------------------------------------------------
def test_shipped_plans_list_cpc_cca_ccs_then_crc(shipped):
    assert list(shipped.templates) == ["cpc", "cca", "ccs", "crc"]


def test_shipped_plans_validate_without_errors():
    assert validate_catalog(PLANS) == []


def test_each_track_has_the_six_pathway_steps(shipped):
    for track in TRACKS:
        keys = [step.key for step in shipped.template(track).steps]
        assert keys == [
            "choose-certification",
            "coding-program",
            "pass-exam",
            "practical-experience",
            "resume-interviews",
            "apply-for-jobs",
        ], track


def test_each_track_ends_with_its_credential(shipped):
    expected = {"cpc": ("CPC", "AAPC"), "cca": ("CCA", "AHIMA"), "ccs": ("CCS", "AHIMA")}
    for track, (credential, body) in expected.items():
        template = shipped.template(track)
        assert (template.credential, template.certifying_body) == (credential, body)


def test_exam_step_targets_the_tracks_exam(shipped):
    for track in TRACKS:
        template = shipped.template(track)
        exam = template.steps[2].exam
        assert exam is not None
        assert (exam.name, exam.body) == (template.credential, template.certifying_body)
        assert [step.key for step in template.steps if step.exam] == ["pass-exam"]


def test_exam_step_checklist_lists_the_exam_facts(shipped):
    cpc_exam = shipped.template("cpc").steps[2]
    assert cpc_exam.checklist == ("100 questions", "4 hours", "70% to pass", "Open code books")
    assert cpc_exam.exam is not None and cpc_exam.exam.facts == cpc_exam.checklist
    assert shipped.template("cca").steps[2].checklist[:2] == ("105 questions (90 scored)", "2 hours")
    assert shipped.template("ccs").steps[2].checklist[:2] == ("About 107 questions", "4 hours")


def test_program_step_checklist_is_the_program_topics(shipped):
    for track in TRACKS:
        assert shipped.template(track).steps[1].checklist == (
            "Medical terminology",
            "Anatomy",
            "Pathophysiology",
            "Pharmacology",
            "ICD-10-CM",
            "CPT",
            "HCPCS Level II",
        )


def test_program_step_takes_six_to_nine_months_and_twice_as_long_part_time(shipped):
    for track in TRACKS:
        program = shipped.template(track).steps[1]
        assert program.duration.label() == "6–9 months"
        assert program.pace["part_time"] == 2.0
        assert program.duration_for("part_time") == Duration(2 * program.duration.planned, Unit.MONTHS)


def test_program_step_carries_the_certificate_program_cost(shipped):
    cost = shipped.template("cpc").steps[1].cost_hint
    assert cost is not None
    assert (cost.min, cost.max, cost.currency) == (2000, 5000, "USD")
    assert cost.note is not None and "excluding exam fees" in cost.note


def test_experience_resume_and_job_search_steps_are_assumptions_with_notes(shipped):
    for track in TRACKS:
        steps = shipped.template(track).steps
        assert [step.assumption for step in steps] == [False, False, False, True, True, True], track
        for step in steps[3:]:
            assert step.assumption_note and "edit" in step.assumption_note.lower()
        for step in steps[:3]:
            assert step.assumption_note is None


def test_every_crc_duration_is_an_assumption_with_a_note(shipped):
    crc = shipped.template("crc")
    assert (crc.credential, crc.certifying_body) == ("CRC", "AAPC")
    assert crc.steps
    assert all(step.assumption and step.assumption_note for step in crc.steps)
    assert crc.steps[-1].exam is not None and crc.steps[-1].exam.name == "CRC"


def test_every_planned_duration_lies_within_its_range(shipped):
    for template in shipped.templates.values():
        for step in template.steps:
            assert step.duration.min <= step.duration.planned <= step.duration.max


def test_every_template_names_its_sources_and_file(shipped):
    for template in shipped.templates.values():
        assert template.sources
        assert template.file == f"plans/{Path(template.file).name}"


def test_documents_hold_the_pathway_templates_by_kind(shipped):
    assert dict(shipped.documents["pathway"]) == dict(shipped.templates)
    assert set(shipped.documents) == set(PARSERS)


def test_unknown_template_id_raises_key_error(shipped):
    with pytest.raises(KeyError):
        shipped.template("nope")


# -- durations and paces ---------------------------------------------------------------------------
def test_duration_range_label_shows_min_to_max():
    assert DurationRange(1, 2, 2, Unit.WEEKS).label() == "1–2 weeks"


def test_duration_range_label_shows_one_figure_when_min_equals_max():
    assert DurationRange(2, 2, 2, Unit.WEEKS).label() == "2 weeks"
    assert DurationRange(1, 1, 1, Unit.MONTHS).label() == "1 month"


def test_planned_for_scales_the_planned_duration():
    assert DurationRange(6, 9, 6, Unit.MONTHS).planned_for(2.0) == Duration(12, Unit.MONTHS)


def test_planned_for_answers_the_same_when_asked_again():
    # Answers are remembered per (planned, unit, factor): a second range or a second asking gets
    # the same scaling, a fractional one in days included.
    for _ in range(2):
        assert DurationRange(6, 9, 6, Unit.MONTHS).planned_for(2.0) == Duration(12, Unit.MONTHS)
        assert DurationRange(1, 9, 6, Unit.MONTHS).planned_for(2) == Duration(12, Unit.MONTHS)
        assert DurationRange(1, 2, 1, Unit.WEEKS).planned_for(1.5) == Duration(11, Unit.DAYS)
        assert DurationRange(1, 2, 1, Unit.MONTHS).planned_for(1.5) == Duration(46, Unit.DAYS)


def test_duration_for_unknown_pace_is_a_value_error(shipped):
    with pytest.raises(ValueError, match="unknown pace 'weekends'"):
        shipped.template("cpc").steps[0].duration_for("weekends")


def test_paces_have_labels():
    assert PACES == ("full_time", "part_time")
    assert dict(PACE_LABELS) == {"full_time": "Full time", "part_time": "Part time"}


# -- the loader ------------------------------------------------------------------------------------
def test_template_dropped_into_plans_appears_without_code_change(tmp_path):
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans)
    write(plans, "pathway-new.toml", VALID.replace('title = "Test track"', 'title = "Test track"\norder = 50'))
    catalog = load_catalog(plans)
    assert list(catalog.templates) == ["cpc", "cca", "ccs", "crc", "pathway-new"]
    assert catalog.template("pathway-new").file == "plans/pathway-new.toml"


def test_id_defaults_to_the_file_name(tmp_path):
    write(tmp_path / "plans", "my-track.toml", VALID)
    assert list(load_catalog(tmp_path / "plans").templates) == ["my-track"]


def test_templates_are_ordered_by_order_then_title(tmp_path):
    plans = tmp_path / "plans"
    write(plans, "a.toml", changed('title = "Test track"', 'title = "Zeta"\norder = 1'))
    write(plans, "b.toml", changed('title = "Test track"', 'title = "Beta"\norder = 2'))
    write(plans, "c.toml", changed('title = "Test track"', 'title = "Alpha"\norder = 2'))
    write(plans, "d.toml", changed('title = "Test track"', 'title = "Aardvark"'))  # default order: last
    assert list(load_catalog(plans).templates) == ["a", "c", "b", "d"]


def test_non_toml_files_are_ignored(tmp_path):
    plans = tmp_path / "plans"
    write(plans, "track.toml", VALID)
    write(plans, "README.md", "# not = toml [")
    write(plans, "notes.txt", "kind = 'nonsense'")
    assert list(load_catalog(plans).templates) == ["track"]


def test_a_registered_kind_is_loaded_into_documents(tmp_path, monkeypatch):
    def parse_note(reader: Reader, path: Path) -> dict[str, str]:
        reader.reject_unknown(("kind", "text"))
        return {"text": reader.text("text")}

    monkeypatch.setitem(PARSERS, "note", parse_note)
    plans = tmp_path / "plans"
    write(plans, "track.toml", VALID)
    write(plans, "hello.toml", 'kind = "note"\ntext = "hi"\n')
    catalog = load_catalog(plans)
    assert dict(catalog.documents["note"]) == {"hello": {"text": "hi"}}
    assert list(catalog.templates) == ["track"]


def test_parsed_template_keeps_every_field(tmp_path):
    text = changed(
        'pace = { full_time = 1.0, part_time = 2.0 }\n\n[[steps]]',
        'pace = { full_time = 1.0, part_time = 1.5 }\n'
        'assumption = true\nassumption_note = "Guessed; edit it."\n'
        'checklist = ["One", "Two"]\n'
        'cost_hint = { min = 0, max = 10, currency = "USD" }\n'
        'exam = { name = "CPC", body = "AAPC", facts = ["100 questions"] }\n'
        'sources = [{ title = "Step guide", url = "https://example.org/guide", year = 2025 }]\n'
        "\n[[steps]]",
    )
    write(tmp_path / "plans", "t.toml", text)
    step = load_catalog(tmp_path / "plans").template("t").steps[0]
    assert step.pace == {"full_time": 1.0, "part_time": 1.5}
    assert (step.assumption, step.assumption_note) == (True, "Guessed; edit it.")
    assert step.checklist == ("One", "Two")
    assert step.cost_hint is not None and (step.cost_hint.min, step.cost_hint.max, step.cost_hint.note) == (0, 10, None)
    assert step.exam is not None and (step.exam.facts, step.exam.retake_note) == (("100 questions",), None)
    assert [(s.title, s.url, s.year) for s in step.sources] == [("Step guide", "https://example.org/guide", 2025)]
    assert step.duration_for("part_time") == Duration(11, Unit.DAYS)  # 1 week x 1.5, rounded half up


# -- errors: one readable line naming the file, the field and the problem ---------------------------
def test_toml_syntax_error_gives_line_and_column(tmp_path):
    assert load_error(tmp_path, 'kind = "pathway"\ntitle = \n') == (
        "plans/bad.toml: invalid TOML: Invalid value (at line 2, column 9)"
    )


def test_missing_kind_is_an_error(tmp_path):
    assert load_error(tmp_path, changed('kind = "pathway"\n', "")) == "plans/bad.toml: kind: is required"


def test_unknown_kind_is_an_error(tmp_path):
    kinds = ", ".join(sorted(PARSERS))
    assert load_error(tmp_path, changed('kind = "pathway"', 'kind = "pathwya"')) == (
        f"plans/bad.toml: kind: must be one of {kinds} (got 'pathwya')"
    )


def test_missing_required_field_is_an_error(tmp_path):
    assert load_error(tmp_path, changed('summary = "A track for tests."\n', "")) == (
        "plans/bad.toml: summary: is required"
    )


def test_missing_step_field_names_the_step(tmp_path):
    assert load_error(tmp_path, changed('description = "The second step."\n', "")) == (
        "plans/bad.toml: steps[1].description: is required"
    )


def test_unknown_field_is_an_error(tmp_path):
    message = load_error(tmp_path, changed('key = "second"', 'key = "second"\ntitel = "Oops"'))
    assert message.startswith("plans/bad.toml: steps[1].titel: unknown field (expected one of ")


def test_wrong_type_is_an_error(tmp_path):
    assert load_error(tmp_path, changed("min = 1, max = 3", 'min = "one", max = 3')) == (
        "plans/bad.toml: steps[1].duration.min: must be a whole number (got 'one')"
    )


def test_bad_unit_is_an_error(tmp_path):
    assert load_error(tmp_path, changed('unit = "months"', 'unit = "fortnights"')) == (
        "plans/bad.toml: steps[1].duration.unit: must be one of days, weeks, months (got 'fortnights')"
    )


def test_min_greater_than_max_is_an_error(tmp_path):
    assert load_error(tmp_path, changed("min = 1, max = 3, planned = 2", "min = 4, max = 3, planned = 2")) == (
        "plans/bad.toml: steps[1].duration: min (4) must not be greater than max (3)"
    )


def test_planned_outside_range_is_an_error(tmp_path):
    assert load_error(tmp_path, changed("max = 3, planned = 2", "max = 3, planned = 5")) == (
        "plans/bad.toml: steps[1].duration.planned: must be between min and max, 1–3 (got 5)"
    )


def test_negative_number_is_an_error(tmp_path):
    assert load_error(tmp_path, changed("min = 1, max = 2, planned = 1", "min = -1, max = 2, planned = 1")) == (
        "plans/bad.toml: steps[0].duration.min: must be at least 0 (got -1)"
    )


def test_pace_factor_must_be_above_zero(tmp_path):
    text = changed(
        'pace = { full_time = 1.0, part_time = 2.0 }\n\n[[steps]]',
        'pace = { full_time = 0, part_time = 2.0 }\n\n[[steps]]',
    )
    assert load_error(tmp_path, text) == "plans/bad.toml: steps[0].pace.full_time: must be greater than 0 (got 0)"


def test_duplicate_step_keys_are_an_error(tmp_path):
    assert load_error(tmp_path, changed('key = "second"', 'key = "first"')) == (
        "plans/bad.toml: steps[1].key: duplicate step key 'first' (also steps[0].key)"
    )


def test_duplicate_template_ids_name_both_files(tmp_path):
    plans = tmp_path / "plans"
    write(plans, "a.toml", changed('kind = "pathway"', 'kind = "pathway"\nid = "same"'))
    write(plans, "b.toml", changed('kind = "pathway"', 'kind = "pathway"\nid = "same"'))
    with pytest.raises(CatalogError) as caught:
        load_catalog(plans)
    assert str(caught.value) == "plans/b.toml: id: duplicate pathway id 'same': also used by plans/a.toml"


def test_assumption_without_note_is_an_error(tmp_path):
    assert load_error(tmp_path, changed('key = "second"', 'key = "second"\nassumption = true')) == (
        "plans/bad.toml: steps[1].assumption_note: is required when assumption = true"
    )


def test_note_without_assumption_is_an_error(tmp_path):
    assert load_error(tmp_path, changed('key = "second"', 'key = "second"\nassumption_note = "Guess"')) == (
        "plans/bad.toml: steps[1].assumption_note: is only allowed when assumption = true"
    )


def test_empty_steps_list_is_an_error(tmp_path):
    text = VALID[: VALID.index("[[steps]]")].replace('kind = "pathway"', 'kind = "pathway"\nsteps = []')
    assert load_error(tmp_path, text) == "plans/bad.toml: steps: must have at least 1 item(s) (got 0)"


def test_missing_directory_is_an_error(tmp_path):
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path / "plans")
    assert str(caught.value) == f"plans/: directory not found ({tmp_path / 'plans'})"


def test_directory_without_pathway_template_is_an_error(tmp_path):
    write(tmp_path / "plans", "README.md", "# nothing yet")
    assert [str(error) for error in validate_catalog(tmp_path / "plans")] == [
        'plans/: no pathway template (no *.toml file with kind = "pathway")'
    ]


def test_load_catalog_raises_the_first_error_in_file_name_order(tmp_path):
    plans = tmp_path / "plans"
    write(plans, "b.toml", changed('unit = "months"', 'unit = "fortnights"'))
    write(plans, "a.toml", changed('summary = "A track for tests."\n', ""))
    with pytest.raises(CatalogError) as caught:
        load_catalog(plans)
    assert str(caught.value) == "plans/a.toml: summary: is required"


def test_validate_catalog_reports_every_bad_file(tmp_path):
    plans = tmp_path / "plans"
    write(plans, "good.toml", VALID)
    write(plans, "one.toml", changed('unit = "months"', 'unit = "fortnights"'))
    write(plans, "two.toml", 'kind = "pathway"\ntitle = \n')
    assert [str(error) for error in validate_catalog(plans)] == [
        "plans/one.toml: steps[1].duration.unit: must be one of days, weeks, months (got 'fortnights')",
        "plans/two.toml: invalid TOML: Invalid value (at line 2, column 9)",
    ]


def test_error_carries_file_field_and_problem_separately(tmp_path):
    write(tmp_path / "plans", "bad.toml", changed('unit = "months"', 'unit = "fortnights"'))
    [error] = validate_catalog(tmp_path / "plans")
    assert (error.file, error.field) == ("plans/bad.toml", "steps[1].duration.unit")
    assert error.problem == "must be one of days, weeks, months (got 'fortnights')"


def test_plan_template_is_a_frozen_record(shipped):
    template = shipped.template("cpc")
    assert isinstance(template, PlanTemplate)
    with pytest.raises(AttributeError):
        template.title = "changed"  # type: ignore[misc]


# -- the credential catalogue (plans/aapc.toml, plans/ahima.toml) ------------------------------------

AAPC_SPECIALTY = (
    "CANPC", "CASCC", "CCC", "CCVTC", "CEDC", "CEMC", "CENTC", "CFPC", "CGIC", "CGSC", "CHONC",
    "CIMC", "CIRCC", "COBGC", "COSC", "CPCD", "CPEDC", "CPRC", "CSFAC", "CUC",
)


def test_every_aapc_credential_is_in_the_catalogue(shipped):
    codes = set(shipped.bodies["aapc"].credentials)
    core = {"CPC", "COC", "CIC", "CPB", "CPMA", "CDEO", "CPPM", "CRC", "CPCO", "CDEI", "CPC-P"}
    apprentices = {"CPC-A", "COC-A", "CIC-A", "CPB-A", "CRC-A"}
    assert core | apprentices | set(AAPC_SPECIALTY) <= codes


def test_every_ahima_credential_is_in_the_catalogue_with_its_ceus(shipped):
    rules = shipped.bodies["ahima"].credentials
    assert {code: rules[code].ceus for code in ("CCA", "CCS", "CCS-P", "RHIT", "CHTS")} == dict.fromkeys(
        ("CCA", "CCS", "CCS-P", "RHIT", "CHTS"), 20)
    assert {code: rules[code].ceus for code in ("RHIA", "CDIP", "CHDA", "CHPS", "CPHI")} == dict.fromkeys(
        ("RHIA", "CDIP", "CHDA", "CHPS", "CPHI"), 30)


def test_each_aapc_specialty_credential_asks_for_8_specialty_ceus_and_circc_16(shipped):
    rules = shipped.bodies["aapc"].credentials
    for code in AAPC_SPECIALTY:
        assert rules[code].kind == "specialty"
        assert rules[code].subset_ceus == (16 if code == "CIRCC" else 8), code
    assert "8 a year" in rules["CIRCC"].subset_note


def test_every_subset_figure_has_its_source_and_every_assumed_change_says_so(shipped):
    aapc = shipped.bodies["aapc"].credentials
    assert all(rule.source.startswith("https://www.aapc.com/") for rule in aapc.values() if rule.subset_ceus)
    assert {rule.confidence for code, rule in aapc.items() if code in AAPC_SPECIALTY and code != "CIRCC"} == {"medium"}
    for body in shipped.bodies.values():
        for rule in body.credentials.values():
            if rule.becomes or rule.replaces:
                assert rule.change_assumption or rule.change_source.startswith("https://"), rule.code
            if rule.change_assumption:
                assert rule.change_confidence == "low" and "Rungs assumes" in rule.change_assumption


def test_five_aapc_specialty_credentials_need_52_not_44(shipped):
    from tracker.domain import cycles
    assert cycles.required_ceus(shipped.bodies["aapc"], ["CEMC", "CGSC", "CCC", "CEDC", "CUC"]) == 52


def test_every_apprentice_designation_becomes_its_full_credential(shipped):
    rules = shipped.bodies["aapc"].credentials
    apprentices = {code: rule.becomes for code, rule in rules.items() if rule.kind == "apprentice"}
    assert apprentices == {code: code[:-2] for code in apprentices}
    assert not rules["CPC-A"].change_assumption  # AAPC publishes this one
    assert "Rungs assumes" in rules["CIC-A"].change_assumption


def test_rhia_replaces_rhit_with_the_source_of_that_rule(shipped):
    rhia = shipped.bodies["ahima"].credentials["RHIA"]
    assert rhia.replaces == ("RHIT",)
    assert rhia.change_confidence == "medium" and rhia.change_source.startswith("https://www.ahima.org/")


def test_status_thresholds_come_from_the_data_files(shipped):
    for body in shipped.bodies.values():
        assert 0 < body.status.steady_per_month < body.status.at_risk_per_month
        assert body.status.quiet_fraction == Decimal("0.25")


def test_a_credential_that_becomes_an_unknown_code_is_refused(tmp_path):
    text = (PLANS / "aapc.toml").read_text().replace('becomes = "CPC"', 'becomes = "CPCX"')
    for source in PLANS.glob("*.toml"):
        write(tmp_path / "plans", source.name, source.read_text())
    write(tmp_path / "plans", "aapc.toml", text)
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path / "plans")
    assert "CPC-A: CPCX is not a credential of this file" in str(caught.value)


def test_status_thresholds_must_rise_from_steady_to_at_risk(tmp_path):
    text = (PLANS / "ahima.toml").read_text().replace("at_risk_per_month = 6", "at_risk_per_month = 2")
    for source in PLANS.glob("*.toml"):
        write(tmp_path / "plans", source.name, source.read_text())
    write(tmp_path / "plans", "ahima.toml", text)
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path / "plans")
    assert "status.at_risk_per_month: must be more than steady_per_month" in str(caught.value)


EXAM_STEP = """
[[steps]]
key = "exam"
title = "Pass the exam"
description = "Pass it."
duration = { min = 1, max = 2, planned = 1, unit = "days" }
pace = { full_time = 1.0, part_time = 1.0 }
exam = { name = "CPC", body = "AAPC", credential = "%s"%s }
"""


def with_credentials(tmp_path: Path, exam_credential: str, apprentice: str = "") -> Path:
    plans = tmp_path / "plans"
    plans.mkdir()
    shutil.copy(PLANS / "aapc.toml", plans / "aapc.toml")
    extra = f', apprentice_credential = "{apprentice}"' if apprentice else ""
    write(plans, "track.toml", VALID + EXAM_STEP % (exam_credential, extra))
    return plans


def test_an_exam_step_names_the_credential_a_pass_adds(tmp_path):
    catalog = load_catalog(with_credentials(tmp_path, "CPC", "CPC-A"))
    exam = catalog.template("track").steps[-1].exam
    assert (exam.credential, exam.apprentice_credential) == ("CPC", "CPC-A")


def test_an_exam_credential_no_credentials_file_lists_is_an_error(tmp_path):
    with pytest.raises(CatalogError, match=r"steps\[2\]\.exam\.credential: 'CPX' is not listed"):
        load_catalog(with_credentials(tmp_path, "CPX"))


def test_an_apprentice_credential_must_be_an_apprentice_designation(tmp_path):
    with pytest.raises(CatalogError, match="'CRC' is not an apprentice designation of AAPC"):
        load_catalog(with_credentials(tmp_path, "CPC", "CRC"))
