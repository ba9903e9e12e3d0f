"""Export and import: one JSON file plus a certificates ZIP; an import into an empty account restores
it exactly, and a bad or hostile file changes nothing and says where it is wrong."""
from __future__ import annotations

import copy
import datetime as dt
import io
import json
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import func, select

from tracker import create_app
from tracker.extensions import db
from tracker.models import CeuActivity, Credential, Milestone, Plan, User
from tracker.services import career as career_service
from tracker.services import certificates, submissions
from tracker.services import credentials as credential_service
from tracker.services import ladder as ladder_service
from tracker.services import plans as plan_service
from tracker.services import portability
from tracker.services import reminders as reminder_service
from tracker.services import stages
from tracker.services.errors import Invalid

import builders
from conftest import NOW, app_config
from support import Browser, text_of

TODAY = dt.date(2026, 11, 23)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 40


def user(email: str = "coder@example.com") -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def build_rich_account(email: str = "coder@example.com") -> None:
    """A bit of everything: two plans with progress, edits and costs; AAPC and AHIMA credentials,
    CEUs with certificates, a submission; ladder profile, a gap, focus ticks; reminder settings."""
    me = user(email)
    plan = plan_service.create_plan(me, "cpc", dt.date(2026, 6, 1), "part_time", TODAY)
    first, second, third = plan.milestones[:3]
    plan_service.mark_started(first, dt.date(2026, 6, 1), TODAY)
    plan_service.mark_done(first, dt.date(2026, 7, 10), TODAY)
    plan_service.mark_started(second, dt.date(2026, 7, 11), TODAY)
    plan_service.save_checklist(second, [second.checklist[0].id, second.checklist[2].id], TODAY)
    plan_service.add_checklist_item(second, "Ask about payment plans")
    plan_service.add_checklist_item(first, "Compare CPC and CCS")
    plan_service.delete_checklist_item(third, third.checklist[1].id)
    plan_service.add_cost(first, "program", "AAPC program", Decimal("1999.50"), dt.date(2026, 6, 1))
    plan_service.add_cost(second, "materials", "", Decimal("120"), None)
    plan_service.set_duration(second, 9, "weeks")
    plan_service.set_notes(second, "Evenings only.")
    plan_service.add_custom_milestone(plan, 1, "Shadow a coder", "One day at the clinic", 2, "days")
    plan_service.record_exam_attempt(third, dt.date(2026, 11, 1), False, dt.date(2026, 12, 15), TODAY)
    custom = plan_service.create_custom_plan(me, "Side goals", dt.date(2026, 9, 1))
    plan_service.append_milestones(custom, [("Read the guidelines", "", 3, "weeks")])

    credential_service.add_credential(me, "CPC", dt.date(2020, 6, 15), TODAY, renewal_month=5, first_cycle_ceus=Decimal("18"))
    credential_service.add_credential(me, "CPMA", dt.date(2022, 3, 1), TODAY)
    credential_service.add_credential(me, "RHIT", dt.date(2025, 2, 1), TODAY, cycle_end=dt.date(2027, 1, 31))
    cpc_a = credential_service.add_credential(me, "CPC-A", dt.date(2024, 1, 10), TODAY)
    credential_service.update_apprentice(cpc_a, 7, dt.date(2024, 6, 1), None, TODAY)
    add = credential_service.add_activity
    Input = credential_service.ActivityInput
    add(me, Input(dt.date(2026, 2, 10), "Webinar", "AAPC", "IDX-1", "1.5", "aapc"), TODAY, ("webinar.pdf", io.BytesIO(PDF)))
    add(me, Input(dt.date(2026, 3, 5), "Audit workshop", "", "", "2", "aapc:CPMA"), TODAY, ("audit.png", io.BytesIO(PNG)))
    add(me, Input(dt.date(2026, 3, 5), "Same-day talk", "", "", "0.25", "aapc"), TODAY)
    add(me, Input(dt.date(2025, 9, 1), "HIM conference", "AHIMA", "P-9", "10", "ahima:RHIT"), TODAY)
    previous = credential_service.body_overview(me, "aapc", TODAY).history[1].tally.cycle
    submissions.record_submission(me, "aapc", previous.end, previous.end - dt.timedelta(days=3), TODAY, confirm=True)

    ladder_service.save_profile(me, "coder", dt.date(2021, 1, 4), "Cardiology, radiology", TODAY)
    ladder_service.add_gap(me, dt.date(2023, 2, 1), dt.date(2023, 3, 31), TODAY)
    areas = ladder_service.current_ladder().rung("coder").focus_areas
    ladder_service.save_focus(me, {areas[0]}, {areas[0]: "Passed the audit", areas[1]: "Started"})
    reminder_service.save_preferences(
        me, enabled={"milestone_due", "ceu_cycle", "digest"}, offsets={"milestone_due": "10, 2"},
        send_hour=7, digest_weekday=4, paused=False,
    )


def export(email: str = "coder@example.com") -> tuple[dict, bytes]:
    me = user(email)
    document = json.loads(portability.export_json(me, dt.datetime(2026, 11, 23, 15, tzinfo=dt.timezone.utc)))
    return document, portability.export_certificates(me)


def normalised(document: dict) -> dict:
    document = copy.deepcopy(document)
    document.pop("exported_at")
    document["profile"].pop("email")
    return document


def row_counts() -> dict[str, int]:
    return {t.name: db.session.execute(select(func.count()).select_from(t)).scalar_one() for t in db.metadata.sorted_tables}


@pytest.fixture
def rich(app, clock):
    """The rich account in this test's database, signed in, with its export: for tests that look
    at the account itself (its pages, its rows, the command line) as well as at the file."""
    browser = Browser(app.test_client())
    builders.signed_in(browser, email="coder@example.com")
    with app.app_context():
        build_rich_account()
        document, archive = export()
    return browser, document, archive


@pytest.fixture(scope="session")
def rich_export(migrated_template, tmp_path_factory) -> tuple[dict, bytes]:
    """The rich account's export, built once per process in a database of its own: the file is
    the same whichever database made it, and building the account is the slow part. (Session
    scope: pytest-xdist hands a process this module's tests in several batches, and a module
    fixture would be built again for each.)"""
    folder = tmp_path_factory.mktemp("rich-export")
    database = folder / "rungs.sqlite3"
    shutil.copy(migrated_template, database)
    app = create_app(app_config(folder, database))
    with time_machine.travel(NOW, tick=False), app.app_context():
        builders.make_user(app, email="coder@example.com")
        build_rich_account()
        exported = export()
        db.session.remove()
        db.engine.dispose()
    return exported


@pytest.fixture
def rich_file(rich_export) -> tuple[dict, bytes]:
    """The rich account's export (document, certificates ZIP), for tests that only import it or
    a damaged copy of it: each test gets its own copy of the document to change."""
    document, archive = rich_export
    return copy.deepcopy(document), archive


@pytest.fixture
def empty(app, clock):
    browser = Browser(app.test_client())
    builders.signed_in(browser, email="fresh@example.com", zone="America/Chicago")
    return browser


def certificate_files(app) -> list[Path]:
    return sorted(p for p in Path(app.config["CERTIFICATE_DIR"]).rglob("*") if p.is_file())


# -- the round trip -------------------------------------------------------------------------------

def test_export_then_import_into_a_fresh_account_then_export_gives_the_same_document(app, rich, empty):
    _browser, document, archive = rich
    assert document["format"] == "rungs-export" and document["version"] == 1
    assert len(document["plans"]) == 2 and len(document["ceu_activities"]) == 4
    assert sorted(zipfile.ZipFile(io.BytesIO(archive)).namelist()) == ["0001.pdf", "0002.png"]
    with app.app_context():
        counts = portability.import_account(user("fresh@example.com"), json.dumps(document).encode(), archive, TODAY)
        assert counts == {"plans": 2, "credentials": 4, "ceu_activities": 4, "certificates": 2}
        again, again_archive = export("fresh@example.com")
        assert user("fresh@example.com").time_zone == "America/New_York"  # restored from the file
    assert normalised(again) == normalised(document)
    assert zipfile.ZipFile(io.BytesIO(again_archive)).read("0001.pdf") == PDF
    assert zipfile.ZipFile(io.BytesIO(again_archive)).read("0002.png") == PNG


def test_an_ahima_ceu_left_unassigned_by_deleting_its_credential_survives_the_round_trip(app, clock):
    for email in ("coder@example.com", "fresh@example.com"):
        builders.signed_in(Browser(app.test_client()), email=email)
    with app.app_context():
        me = user()
        rhit = credential_service.add_credential(me, "RHIT", dt.date(2025, 2, 1), TODAY, cycle_end=dt.date(2027, 1, 31))
        credential_service.add_credential(me, "CCS", dt.date(2025, 3, 1), TODAY)
        credential_service.add_activity(me, credential_service.ActivityInput(
            dt.date(2025, 9, 1), "HIM conference", "AHIMA", "P-9", "10", "ahima:RHIT"), TODAY)
        credential_service.delete_credential(me, rhit)  # CCS stays: the CEU is kept, unassigned
        document, archive = export()
        assert [a["counts_toward"] for a in document["ceu_activities"]] == ["ahima"]
        portability.import_account(user("fresh@example.com"), json.dumps(document).encode(), archive, TODAY)
        again, _ = export("fresh@example.com")
    assert normalised(again) == normalised(document)


def test_the_export_refers_to_things_by_name_not_by_database_id(rich_file):
    document, _archive = rich_file
    text = json.dumps(document)
    assert '"id"' not in text and "_id" not in text
    activity = next(a for a in document["ceu_activities"] if a["title"] == "Audit workshop")
    assert activity["counts_toward"] == "aapc:CPMA"
    assert activity["certificate"] == {"file": "0002.png", "name": "audit.png"}


def test_import_restores_the_plan_page_and_the_active_plan(app, rich, empty):
    _browser, document, archive = rich
    with app.app_context():
        before = plan_service.plan_view(plan_service.active_plan(user()), TODAY)
        portability.import_account(user("fresh@example.com"), json.dumps(document).encode(), archive, TODAY)
        after = plan_service.plan_view(plan_service.active_plan(user("fresh@example.com")), TODAY)
        assert after.plan.title == before.plan.title == "Side goals"
        plan = next(p for p in plan_service.list_plans(user("fresh@example.com")) if p.template_id == "cpc")
        old = next(p for p in plan_service.list_plans(user()) if p.template_id == "cpc")
        assert plan_service.plan_view(plan, TODAY).schedule == plan_service.plan_view(old, TODAY).schedule


def test_the_settings_page_downloads_both_files(rich):
    browser, document, archive = rich
    response = browser.get("/settings/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="rungs-data-')
    assert normalised(json.loads(response.data)) == normalised(document)
    response = browser.get("/settings/certificates.zip")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="rungs-certificates-')
    assert zipfile.ZipFile(io.BytesIO(response.data)).namelist() == zipfile.ZipFile(io.BytesIO(archive)).namelist()


def test_import_through_the_settings_page(app, rich_file, empty):
    document, archive = rich_file
    response = empty.post("/settings/import", {
        "data_file": (io.BytesIO(json.dumps(document).encode()), "rungs-data.json"),
        "certificates_file": (io.BytesIO(archive), "rungs-certificates.zip"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302, text_of(response)
    assert "Imported 2 plan(s), 4 credential(s), 4 CEU activities and 2 certificate(s)" in text_of(empty.get("/"))
    assert "Import works into an empty account only" in text_of(empty.get("/settings/"))


# -- refusals -------------------------------------------------------------------------------------

def test_importing_into_an_account_with_data_is_refused_and_changes_nothing(app, rich):
    browser, document, archive = rich
    with app.app_context():
        before = row_counts()
    response = browser.post("/settings/import", {
        "data_file": (io.BytesIO(json.dumps(document).encode()), "rungs-data.json"),
    }, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "already has data" in text_of(response)
    with app.app_context():
        assert row_counts() == before


def test_import_without_a_file_says_so(empty):
    response = empty.post("/settings/import", {}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose the .json file that Rungs exported." in text_of(response)


def mutate(document: dict, change) -> bytes:
    document = copy.deepcopy(document)
    change(document)
    return json.dumps(document).encode()


def set_in(path: list, value):
    def change(document):
        target = document
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


BAD_DOCUMENTS = {
    "wrong version": (set_in(["version"], 2), "version"),
    "not an export": (set_in(["format"], "something-else"), "format"),
    "title not text": (set_in(["plans", 0, "title"], 12), "plans[0].title"),
    "empty title": (set_in(["plans", 0, "title"], "   "), "plans[0].title"),
    "bad date": (set_in(["plans", 0, "milestones", 0, "completed_on"], "2026-02-30"), "plans[0].milestones[0].completed_on"),
    "date in another format": (set_in(["plans", 0, "start_date"], "06/01/2026"), "plans[0].start_date"),
    "done before the plan starts": (set_in(["plans", 1, "milestones", 0, "completed_on"], "2020-01-01"), "plans[1].milestones[0].completed_on"),
    "unknown template": (set_in(["plans", 0, "template"], "cpc-2099"), "plans[0].template"),
    "unknown step": (set_in(["plans", 1, "milestones", 0, "step_key"], "nope"), "plans[1].milestones[0].step_key"),
    "negative duration": (set_in(["plans", 0, "milestones", 0, "duration", "amount"], -1), "plans[0].milestones[0].duration.amount"),
    "bool as number": (set_in(["plans", 0, "milestones", 0, "duration", "amount"], True), "plans[0].milestones[0].duration.amount"),
    "unknown unit": (set_in(["plans", 0, "milestones", 0, "duration", "unit"], "fortnights"), "plans[0].milestones[0].duration.unit"),
    "unknown field": (set_in(["plans", 0, "owner_id"], 3), "plans[0].owner_id"),
    "cost kind": (set_in(["plans", 1, "milestones", 0, "costs", 0, "kind"], "bribe"), "plans[1].milestones[0].costs[0].kind"),
    "unknown credential": (set_in(["credentials", 0, "code"], "XYZ"), "credentials[0].code"),
    "credential in the future": (set_in(["credentials", 0, "earned_on"], "2030-01-01"), "credentials[0].earned_on"),
    "renewal month 13": (set_in(["renewal_setups", 0, "renewal_month"], 13), "renewal_setups[0].renewal_month"),
    "ceus not a number": (set_in(["ceu_activities", 0, "ceus"], "lots"), "ceu_activities[0].ceus"),
    "ceus as a float": (set_in(["ceu_activities", 0, "ceus"], 1.5), "ceu_activities[0].ceus"),
    "counts toward a credential not held": (set_in(["ceu_activities", 0, "counts_toward"], "aapc:CRC"), "ceu_activities[0].counts_toward"),
    "dangling certificate": (set_in(["ceu_activities", 2, "certificate"], {"file": "0009.pdf", "name": "x.pdf"}), "ceu_activities[2].certificate.file"),
    "certificate path": (set_in(["ceu_activities", 2, "certificate"], {"file": "../../etc/passwd", "name": "x"}), "ceu_activities[2].certificate.file"),
    "submission for no cycle": (set_in(["cycle_submissions", 0, "cycle_end"], "2026-04-29"), "cycle_submissions[0]"),
    "unknown rung": (set_in(["ladder", "profile", "rung"], "emperor"), "ladder.profile.rung"),
    "unknown focus area": (set_in(["ladder", "focus", 0, "area"], "Juggling"), "ladder.focus[0].focus"),
    "overlapping gaps": (lambda d: d["ladder"]["gaps"].append(dict(d["ladder"]["gaps"][0])), "ladder.gaps[1].starts_on"),
    "send hour 25": (set_in(["reminder_preferences", "send_hour"], 25), "reminder_preferences.send_hour"),
    "unknown reminder kind": (set_in(["reminder_preferences", "disabled_kinds"], ["spam"]), "reminder_preferences.disabled_kinds"),
    "unknown time zone": (set_in(["profile", "time_zone"], "Mars/Olympus"), "profile.time_zone"),
    "plans not a list": (set_in(["plans"], {"a": 1}), "plans"),
    "duplicate credential": (lambda d: d["credentials"].append(dict(d["credentials"][0])), "credentials[4].code"),
    "setup missing": (set_in(["renewal_setups"], []), "renewal_setups"),
    "unknown career stage": (set_in(["profile", "career_stage"], "retired"), "profile.career_stage"),
    "added by a plan the file lacks": (set_in(["credentials", 0, "added_by_step"], {"plan": 7, "milestone": 0}), "credentials[0].added_by_step.plan"),
    "added by a step the plan lacks": (set_in(["credentials", 0, "added_by_step"], {"plan": 0, "milestone": 99}), "credentials[0].added_by_step.milestone"),
}


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_a_bad_document_changes_nothing_and_names_the_field(app, rich_file, empty, case):
    document, archive = rich_file
    change, field = BAD_DOCUMENTS[case]
    with app.app_context():
        before, files = row_counts(), certificate_files(app)
        with pytest.raises(Invalid) as caught:
            portability.import_account(user("fresh@example.com"), mutate(document, change), archive, TODAY)
        assert caught.value.field == field, (caught.value.field, caught.value.message)
        assert caught.value.message
        assert row_counts() == before
        assert certificate_files(app) == files
        assert user("fresh@example.com").time_zone == "America/Chicago"


@pytest.mark.parametrize("raw, field", [
    (b"", "file"),
    (b"{not json", "file"),
    (b"\xff\xfe\x00garbage", "file"),
    (b"[1, 2, 3]", "format"),
    (b"[" * 100_000 + b"]" * 100_000, "file"),
    (b'{"format": "rungs-export", "version": 1}', "profile"),
    (b" " * (portability.MAX_DOCUMENT_BYTES + 1), "file"),
])
def test_a_file_that_is_not_an_export_is_refused(app, empty, raw, field):
    with app.app_context():
        before = row_counts()
        with pytest.raises(Invalid) as caught:
            portability.import_account(user("fresh@example.com"), raw, None, TODAY)
        assert caught.value.field == field, caught.value.message
        assert row_counts() == before


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("archive, field", [
    (None, "ceu_activities[1].certificate.file"),
    (b"not a zip", "certificates"),
    (zip_of({"0001.pdf": PDF, "0002.png": PNG, "../../evil.sh": b"#!/bin/sh"}), "certificates"),
    (zip_of({"0001.pdf": PDF, "0002.png": PNG, "/etc/passwd": b"x"}), "certificates"),
    (zip_of({"0001.pdf": b"<html><script>alert(1)</script>", "0002.png": PNG}), "ceu_activities[1].certificate.file"),
    (zip_of({"0001.pdf": b"", "0002.png": PNG}), "ceu_activities[1].certificate.file"),
    (zip_of({"0002.png": PNG}), "ceu_activities[1].certificate.file"),
])
def test_a_bad_certificates_zip_changes_nothing(app, rich_file, empty, archive, field):
    document, _good = rich_file
    with app.app_context():
        before, files = row_counts(), certificate_files(app)
        with pytest.raises(Invalid) as caught:
            portability.import_account(user("fresh@example.com"), json.dumps(document).encode(), archive, TODAY)
        assert caught.value.field == field, caught.value.message
        assert row_counts() == before
        assert certificate_files(app) == files


def test_a_certificate_over_the_size_limit_is_refused_without_reading_it_all(app, rich_file, empty):
    document, _good = rich_file
    app.config["CERTIFICATE_MAX_BYTES"] = 1000
    bomb = zip_of({"0001.pdf": PDF + b"\0" * 50_000_000, "0002.png": PNG})  # compresses to almost nothing
    with app.app_context():
        before = row_counts()
        with pytest.raises(Invalid) as caught:
            portability.import_account(user("fresh@example.com"), json.dumps(document).encode(), bomb, TODAY)
        assert caught.value.field == "ceu_activities[1].certificate.file"
        assert "larger than" in caught.value.message
        assert row_counts() == before


def test_the_certificate_quota_holds_on_import(app, rich_file, empty):
    document, archive = rich_file
    app.config["CERTIFICATE_QUOTA_BYTES"] = len(PDF) + 10
    files = certificate_files(app)
    with app.app_context():
        with pytest.raises(Invalid) as caught:
            portability.import_account(user("fresh@example.com"), json.dumps(document).encode(), archive, TODAY)
        assert caught.value.field == "certificates"
    assert certificate_files(app) == files


def test_a_failing_commit_leaves_no_certificate_on_disk(app, rich, empty, monkeypatch):
    _browser, document, archive = rich
    with app.app_context():
        files = certificate_files(app)
        monkeypatch.setattr(db.session, "commit", lambda: (_ for _ in ()).throw(RuntimeError("disk full")))
        with pytest.raises(RuntimeError):
            portability.import_account(user("fresh@example.com"), json.dumps(document).encode(), archive, TODAY)
        assert certificate_files(app) == files
        assert db.session.execute(select(func.count()).select_from(Plan)).scalar_one() == 2


def test_the_settings_page_shows_what_is_wrong_and_where(app, rich, empty):
    _browser, document, archive = rich
    response = empty.post("/settings/import", {
        "data_file": (io.BytesIO(mutate(document, set_in(["plans", 1, "milestones", 1, "completed_on"], "2026-13-01"))), "d.json"),
        "certificates_file": (io.BytesIO(archive), "c.zip"),
    }, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Nothing was imported. plans[1].milestones[1].completed_on: 2026-13-01 is not a real date." in text_of(response)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(CeuActivity)).scalar_one() == 4


# -- the command line -----------------------------------------------------------------------------

def test_cli_exports_and_imports_with_the_certificates_beside(app, rich, empty, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "me.json"
    result = runner.invoke(args=["data", "export", "coder@example.com", str(target)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "me.certificates.zip").is_file()
    result = runner.invoke(args=["data", "import", "fresh@example.com", str(target)])
    assert result.exit_code == 0, result.output
    assert "2 plans" in result.output and "2 certificates" in result.output
    result = runner.invoke(args=["data", "import", "fresh@example.com", str(target)])
    assert result.exit_code == 1
    assert "already has data" in result.output
    assert runner.invoke(args=["data", "export", "nobody@example.com", str(target)]).exit_code == 1


def test_a_plan_of_every_template_survives_the_round_trip(app, clock):
    from tracker.services.catalog import current_catalog

    with app.app_context():
        from tracker.services import accounts

        source = accounts.register("every@example.com", "correct horse battery", "UTC")
        templates = sorted(current_catalog().templates)
        for template_id in templates:
            for pace in ("full_time", "part_time"):
                plan_service.create_plan(source, template_id, dt.date(2026, 12, 1), pace, TODAY)
        document, archive = export("every@example.com")
        target = accounts.register("copy@example.com", "correct horse battery", "UTC")
        portability.import_account(target, json.dumps(document).encode(), archive, TODAY)
        again, _ = export("copy@example.com")
    assert len(document["plans"]) == 2 * len(templates) >= 8
    assert normalised(again) == normalised(document)


def test_an_upload_over_the_request_limit_answers_413_and_changes_nothing(app, rich_file, empty):
    document, archive = rich_file
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    with app.app_context():
        before = row_counts()
    response = empty.post("/settings/import", {
        "data_file": (io.BytesIO(json.dumps(document).encode() + b" " * 20_000), "d.json"),
    }, content_type="multipart/form-data")
    assert response.status_code == 413
    with app.app_context():
        assert row_counts() == before


def test_a_certificate_missing_on_disk_is_left_out_of_the_export(app, rich, empty):
    with app.app_context():
        me = user()
        activity = db.session.execute(select(CeuActivity).where(CeuActivity.user_id == me.id, CeuActivity.title == "Webinar")).scalar_one()
        certificates.certificate_path(me, activity).unlink()
        document, archive = export()
        assert next(a for a in document["ceu_activities"] if a["title"] == "Webinar")["certificate"] is None
        assert zipfile.ZipFile(io.BytesIO(archive)).namelist() == ["0001.png"]
        portability.import_account(user("fresh@example.com"), json.dumps(document).encode(), archive, TODAY)
        assert normalised(export("fresh@example.com")[0]) == normalised(document)


# -- credentials that change, CEUs for several credentials --------------------------------------------

def build_changing_account(email: str = "coder@example.com") -> None:
    """A COC-A converted to COC, RHIT replaced by RHIA, one CEU for two AAPC subsets and one for
    both bodies with both approvals."""
    me = user(email)
    coc = credential_service.add_credential(me, "COC-A", dt.date(2022, 1, 10), TODAY, renewal_month=5)
    credential_service.convert_credential(coc, "COC", dt.date(2024, 2, 1), TODAY)
    credential_service.add_credential(me, "CPMA", dt.date(2022, 3, 1), TODAY)
    credential_service.add_credential(me, "CEMC", dt.date(2022, 3, 1), TODAY)
    credential_service.add_credential(me, "RHIT", dt.date(2021, 2, 1), TODAY, cycle_end=dt.date(2027, 1, 31))
    credential_service.add_credential(me, "RHIA", dt.date(2025, 6, 1), TODAY)
    Input = credential_service.ActivityInput
    credential_service.add_activity(me, Input(dt.date(2026, 3, 5), "E/M audit", "", "IDX-5", "3", ["aapc:CPMA", "aapc:CEMC"]), TODAY)
    credential_service.add_activity(me, Input(
        dt.date(2026, 4, 1), "ICD-10-CM update", "", "IDX-9", "2", ["aapc", "ahima:RHIA"], second_reference="P-77",
    ), TODAY, ("update.pdf", io.BytesIO(PDF)))
    ccds = credential_service.add_credential(me, "CCDS", dt.date(2025, 3, 1), TODAY, cycle_end=dt.date(2027, 2, 28), other=(
        credential_service.OtherCredential("ACDIS", "Certified Clinical Documentation Specialist", "30", 2)))
    credential_service.add_activity(me, Input(dt.date(2026, 5, 1), "CDI week", "", "", "4", credential_service.body_key(ccds)), TODAY)


def test_conversions_replacements_and_shared_ceus_survive_the_round_trip(app, clock):
    for email in ("coder@example.com", "fresh@example.com"):
        builders.signed_in(Browser(app.test_client()), email=email)
    with app.app_context():
        build_changing_account()
        document, archive = export()
        shared = next(a for a in document["ceu_activities"] if a["title"] == "ICD-10-CM update")
        assert (shared["counts_toward"], shared["second_reference"]) == (["aapc", "ahima:RHIA"], "P-77")
        coc = next(c for c in document["credentials"] if c["code"] == "COC")
        assert (coc["converted_from"], coc["converted_on"]) == ("COC-A", "2024-02-01")
        assert next(a for a in document["ceu_activities"] if a["title"] == "CDI week")["counts_toward"] == "other:CCDS"
        portability.import_account(user("fresh@example.com"), json.dumps(document).encode(), archive, TODAY)
        again, _ = export("fresh@example.com")
        ahima = credential_service.body_overview(user("fresh@example.com"), "ahima", TODAY)
        assert (ahima.current.tally.required, ahima.current.tally.earned) == (30, 2)
    assert normalised(again) == normalised(document)


def test_an_export_from_before_shared_ceus_still_imports(app, rich_file, empty):
    document, archive = rich_file
    old = copy.deepcopy(document)
    for credential in old["credentials"]:
        for key in ("converted_from", "converted_on", "replaced_by", "replaced_on"):
            credential.pop(key)
    for activity in old["ceu_activities"]:
        activity.pop("second_reference")
    with app.app_context():
        counts = portability.import_account(user("fresh@example.com"), json.dumps(old).encode(), archive, TODAY)
        assert counts["ceu_activities"] == 4
        again, _ = export("fresh@example.com")
    assert normalised(again) == normalised(document)


def test_a_credential_an_exam_step_added_and_the_career_stage_survive_the_round_trip(app, clock):
    for email in ("coder@example.com", "fresh@example.com"):
        builders.signed_in(Browser(app.test_client()), email=email)
    with app.app_context():
        me = user()
        stages.set_stage(me, "both")
        plan = plan_service.create_plan(me, "cpc", dt.date(2026, 1, 5), "full_time", TODAY)
        exam = next(m for m in plan.milestones if m.step_key == "pass-exam")
        career_service.mark_done(me, exam, dt.date(2026, 9, 14), TODAY)
        document, archive = export()
        assert document["profile"]["career_stage"] == "both"
        assert document["credentials"][0]["added_by_step"] == {"plan": 0, "milestone": 2}
        portability.import_account(user("fresh@example.com"), json.dumps(document).encode(), archive, TODAY)
        again, _ = export("fresh@example.com")
        fresh = user("fresh@example.com")
        assert fresh.career_stage == "both"
        credential = db.session.execute(select(Credential).where(Credential.user_id == fresh.id)).scalar_one()
        assert db.session.get(Milestone, credential.from_milestone_id).step_key == "pass-exam"
    assert normalised(again) == normalised(document)
