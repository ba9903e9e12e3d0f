"""Credentials and CEUs through the web app, as a person uses them."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder

from tracker.extensions import db
from tracker.models import CeuActivity, Credential, CycleSubmission, RenewalSetup, User
from tracker.services import credentials as credential_service

from builders import signed_in
from support import text_of

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def add_credential(browser, code="CPC", earned="2020-06-15", **extra):
    data = {"code": code, "earned_on": earned, "renewal_month": "5", **extra}
    return browser.post("/credentials/new", data)


def log_ceu(browser, day="2026-01-10", ceus="1", counts="aapc", **extra):
    data = {"completed_on": day, "title": "E/M coding update", "provider": "AAPC", "reference": "",
            "ceus": ceus, "counts_toward": counts, **extra}
    return browser.post("/credentials/ceus/new", data, content_type="multipart/form-data")


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def stored_files(app) -> list[Path]:
    return [p for p in Path(app.config["CERTIFICATE_DIR"]).rglob("*") if p.is_file()]


# -- the done-means scenario ------------------------------------------------------------------------

def test_cpc_and_crc_holder_with_22_ceus_sees_40_required_18_needed_and_gets_a_zip(app, user_browser):
    assert add_credential(user_browser, "CPC").status_code == 302
    assert add_credential(user_browser, "CRC", earned="2022-03-01").status_code == 302
    for i in range(22):
        extra = {"reference": f"IDX{i:03}"}
        if i < 2:
            extra["certificate"] = (io.BytesIO(PDF), f"cert {i}.pdf")
        response = log_ceu(user_browser, day=f"2026-{1 + i % 10:02}-{1 + i:02}", **extra)
        assert response.status_code == 302, text_of(response)

    page = text_of(user_browser.get("/credentials/aapc/"))
    assert "Required 40" in page
    assert "Earned 22" in page
    assert "Still needed 18" in page
    assert "Days left 189" in page  # today is Nov 23, 2026 in New York; due May 31, 2027
    assert "May 31, 2027" in page
    assert "submission on Apr 30, 2027" in page

    archive = user_browser.get("/credentials/aapc/cycles/2027-05-31/audit.zip")
    assert archive.status_code == 200
    assert archive.headers["Content-Disposition"].startswith("attachment;")
    with zipfile.ZipFile(io.BytesIO(archive.data)) as z:
        names = z.namelist()
        # Excel's UTF-8 BOM stripped; the last row is the total.
        rows = list(csv.DictReader(io.StringIO(z.read(next(n for n in names if n.endswith("ceus.csv"))).decode("utf-8-sig"))))
        assert rows.pop()["Completed on"] == "Total"
        certificates = [n for n in names if "/certificates/" in n]
        assert len(rows) == 22
        assert len(certificates) == 2
        named = {r["Certificate file"] for r in rows if r["Certificate file"]}
        assert {n.rsplit("/", 1)[1] for n in certificates} == named
        assert all(z.read(n) == PDF for n in certificates)


# -- credentials ----------------------------------------------------------------------------------

def test_adding_an_ahima_credential_proposes_a_cycle_end_the_user_can_correct(app, user_browser):
    assert add_credential(user_browser, "RHIT", earned="2025-06-10", renewal_month="0").status_code == 302
    with app.app_context():
        assert db.session.execute(select(RenewalSetup.cycle_end)).scalar_one().isoformat() == "2027-06-09"
    response = user_browser.post("/credentials/ahima/setup", {"renewal_month": "0", "cycle_end": "2027-06-30"})
    assert response.status_code == 302
    assert "Jun 30, 2027" in text_of(user_browser.get("/credentials/ahima/"))


def test_an_aapc_credential_needs_the_renewal_month(app, user_browser):
    response = add_credential(user_browser, "CPC", renewal_month="0")
    assert response.status_code == 422
    assert "Choose your AAPC membership renewal month." in text_of(response)
    assert count(app, Credential) == 0 and count(app, RenewalSetup) == 0


def test_bad_credentials_are_refused_at_the_field(app, user_browser):
    assert "XYZ is not in Rungs' list: add it as another credential" in text_of(add_credential(user_browser, "XYZ"))
    assert "in the future" in text_of(add_credential(user_browser, "CPC", earned="2027-01-01"))
    assert add_credential(user_browser, "CPC").status_code == 302
    again = add_credential(user_browser, "CPC")
    assert again.status_code == 422 and "already hold CPC" in text_of(again)
    assert count(app, Credential) == 1


def test_deleting_the_last_credential_of_a_body_removes_its_ceus_and_certificates(app, user_browser):
    add_credential(user_browser, "CPC")
    log_ceu(user_browser, certificate=(io.BytesIO(PDF), "c.pdf"))
    assert len(stored_files(app)) == 1
    with app.app_context():
        credential_id = db.session.execute(select(Credential.id)).scalar_one()
    assert "also deletes its 1 CEU activity" in text_of(user_browser.get(f"/credentials/{credential_id}/delete"))
    assert user_browser.post(f"/credentials/{credential_id}/delete").status_code == 302
    assert count(app, CeuActivity) == 0 and count(app, RenewalSetup) == 0
    assert stored_files(app) == []


# -- CEU activities -------------------------------------------------------------------------------

def test_decimal_ceus_are_kept_exactly(app, user_browser):
    add_credential(user_browser, "CPC")
    log_ceu(user_browser, ceus="0.5")
    log_ceu(user_browser, ceus="1.25", day="2026-02-01")
    assert "Earned 1.75" in text_of(user_browser.get("/credentials/aapc/"))


def test_bad_ceu_input_is_refused_with_a_reason_and_nothing_is_written(app, user_browser):
    add_credential(user_browser, "CPC", earned="2026-02-01")
    cases = {
        "2026-01-15": "before your first AAPC credential",
        "2026-12-01": "in the future",
    }
    for day, message in cases.items():
        response = log_ceu(user_browser, day=day)
        assert response.status_code == 422 and message in text_of(response)
    for ceus, message in {"-1": "more than 0", "abc": "as a number", "1.255": "two decimals", "500": "more than 100"}.items():
        response = log_ceu(user_browser, ceus=ceus)
        assert response.status_code == 422 and message in text_of(response), ceus
    response = log_ceu(user_browser, counts="ahima:RHIT")
    assert response.status_code == 422 and "Choose what this activity counts toward" in text_of(response)
    assert count(app, CeuActivity) == 0


def test_a_renewal_month_ceu_asks_which_cycle_it_counts_toward(app, user_browser):
    add_credential(user_browser, "CPC", renewal_month="10")  # October: even, due Oct 31, 2026
    response = log_ceu(user_browser, day="2026-10-10")
    assert response.status_code == 422
    assert "renewal month" in text_of(response) and 'name="next_cycle"' in response.text
    assert count(app, CeuActivity) == 0
    assert log_ceu(user_browser, day="2026-10-10", next_cycle="next").status_code == 302
    assert "Earned 1" in text_of(user_browser.get("/credentials/aapc/"))  # cycle ending Oct 31, 2028
    assert "Earned 0" in text_of(user_browser.get("/credentials/aapc/?cycle=2026-10-31"))


def test_ceus_of_a_past_cycle_are_counted_there_and_said_so(app, user_browser):
    add_credential(user_browser, "CPC")  # May renewal: current cycle Jun 1, 2025 - May 31, 2027
    log_ceu(user_browser, day="2025-03-01", ceus="4")
    page = text_of(user_browser.get("/credentials/aapc/"))
    assert "Earned 0" in page and "1 other activity counts toward other cycles" in page
    assert "Earned 4" in text_of(user_browser.get("/credentials/aapc/?cycle=2025-05-31"))


def test_a_repeated_index_number_is_listed_apart_with_the_reason(app, user_browser):
    add_credential(user_browser, "CPC")
    log_ceu(user_browser, reference="A123", ceus="2")
    log_ceu(user_browser, reference="A123", ceus="2", day="2026-03-01")
    page = text_of(user_browser.get("/credentials/aapc/"))
    assert "Earned 2" in page
    assert "Stored but not counted" in page and "a course counts once" in page


def test_editing_and_deleting_a_ceu(app, user_browser):
    add_credential(user_browser, "CPC")
    log_ceu(user_browser, ceus="1")
    with app.app_context():
        activity_id = db.session.execute(select(CeuActivity.id)).scalar_one()
    form = user_browser.get(f"/credentials/ceus/{activity_id}/edit")
    assert 'value="1"' in form.text
    response = user_browser.post(
        f"/credentials/ceus/{activity_id}/edit",
        {"completed_on": "2026-01-10", "title": "Renamed", "ceus": "3", "counts_toward": "aapc"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "Earned 3" in text_of(user_browser.get("/credentials/aapc/"))
    assert user_browser.post(f"/credentials/ceus/{activity_id}/delete").status_code == 302
    assert count(app, CeuActivity) == 0


def test_submission_makes_a_met_cycle_complete(app, user_browser):
    add_credential(user_browser, "CPC")
    log_ceu(user_browser, ceus="36")
    assert "CEUs met: submit them" in text_of(user_browser.get("/credentials/aapc/"))
    bad = user_browser.post("/credentials/aapc/cycles/2027-05-31/submitted", {"submitted_on": "2027-01-01"})
    assert bad.status_code == 422 and "in the future" in text_of(bad)
    early = user_browser.post("/credentials/aapc/cycles/2027-05-31/submitted", {"submitted_on": "2026-11-20"})
    assert early.status_code == 422 and "AAPC opens submission for this cycle on Apr 30, 2027" in text_of(early)
    response = user_browser.post("/credentials/aapc/cycles/2027-05-31/submitted", {"submitted_on": "2026-11-20", "confirm": "y"})
    assert response.status_code == 302
    page = text_of(user_browser.get("/credentials/aapc/"))
    assert "Complete" in page and "submitted this cycle's CEUs on Nov 20" in page and "Nov 20, 2026" not in page  # this year's dates without the year
    assert count(app, CycleSubmission) == 1


def test_record_submission_is_not_prefilled_with_today(app, user_browser):
    add_credential(user_browser, "CPC")
    page = user_browser.get("/credentials/aapc/").get_data(as_text=True)
    (tag,) = re.findall(r'<input[^>]*name="submitted_on"[^>]*>', page)
    assert 'value=""' in tag


def test_recording_a_submission_early_with_ceus_missing_asks_to_confirm_and_says_what_is_missing(app, user_browser):
    add_credential(user_browser, "CPC")
    add_credential(user_browser, "CRC", earned="2022-03-01")
    log_ceu(user_browser, ceus="8")
    response = user_browser.post("/credentials/aapc/cycles/2027-05-31/submitted", {"submitted_on": "2026-11-23"})
    page = text_of(response)
    assert response.status_code == 422
    assert "AAPC opens submission for this cycle on Apr 30, 2027, after Nov 23, 2026." in page
    assert "32 of 40 CEUs are still needed for this cycle." in page
    assert "Record anyway" in page
    assert "Please correct" not in page  # a question, not a mistake to correct
    assert 'id="submission-question"' in response.get_data(as_text=True)
    assert count(app, CycleSubmission) == 0
    confirmed = user_browser.post("/credentials/aapc/cycles/2027-05-31/submitted", {"submitted_on": "2026-11-23", "confirm": "y"})
    assert confirmed.status_code == 302
    assert count(app, CycleSubmission) == 1


def test_ahima_cycle_is_complete_only_once_ceus_are_reported_and_the_fee_paid(app, user_browser):
    add_credential(user_browser, "CCA", earned="2025-06-10", renewal_month="0")
    log_ceu(user_browser, day="2026-01-10", ceus="20", counts="ahima:CCA")
    assert "CEUs met: submit them" in text_of(user_browser.get("/credentials/ahima/"))
    unpaid = user_browser.post("/credentials/ahima/cycles/2027-06-09/submitted", {"submitted_on": "2026-11-20"})
    assert unpaid.status_code == 422 and "the recertification fee is paid" in text_of(unpaid)
    paid = user_browser.post("/credentials/ahima/cycles/2027-06-09/submitted", {"submitted_on": "2026-11-20", "fee_paid": "y"})
    assert paid.status_code == 302
    assert "Complete" in text_of(user_browser.get("/credentials/ahima/"))


def test_apprentice_tracker_says_what_is_missing(app, user_browser):
    add_credential(user_browser, "CPC-A", earned="2026-01-10")
    with app.app_context():
        credential_id = db.session.execute(select(Credential.id)).scalar_one()
    page = text_of(user_browser.get("/credentials/aapc/"))
    assert "Removing the apprentice designation" in page
    user_browser.post(f"/credentials/{credential_id}/apprentice", {"experience_months": "12", "practicode_done_on": "2026-10-01"})
    assert "You have met a route" in text_of(user_browser.get("/credentials/aapc/"))


def test_overview_shows_each_body_and_upcoming_code_set_updates(app, user_browser):
    add_credential(user_browser, "CPC")
    add_credential(user_browser, "CCS", earned="2025-06-10", renewal_month="0")
    page = text_of(user_browser.get("/credentials/"))
    assert "AAPC" in page and "AHIMA" in page
    assert "Jan 1, 2027 · CPT annual update" in page
    dashboard = text_of(user_browser.get("/"))
    assert "CPT annual update" in dashboard and "AAPC" in dashboard


# -- credentials that change ------------------------------------------------------------------------

def test_cpc_a_converted_to_cpc_keeps_its_row_ceus_and_cycle_and_needs_36(app, user_browser):
    add_credential(user_browser, "CPC-A", earned="2024-07-01")
    log_ceu(user_browser, day="2026-01-10", ceus="4")
    with app.app_context():
        credential_id = db.session.execute(select(Credential.id)).scalar_one()
    page = text_of(user_browser.get("/credentials/"))
    assert "Convert CPC-A to CPC" in page
    assert user_browser.post(f"/credentials/{credential_id}/convert").status_code == 302
    with app.app_context():
        credential = db.session.execute(select(Credential)).scalar_one()
        assert (credential.id, credential.code, credential.converted_from) == (credential_id, "CPC", "CPC-A")
        assert credential.earned_on.isoformat() == "2024-07-01"
    aapc = text_of(user_browser.get("/credentials/aapc/"))
    assert "Required 36" in aapc and "Earned 4" in aapc
    assert "Was CPC-A until Nov 23:" in text_of(user_browser.get("/credentials/"))
    assert count(app, Credential) == 1


def test_an_apprentice_conversion_aapc_does_not_publish_says_it_is_an_assumption(app, user_browser):
    add_credential(user_browser, "CIC-A", earned="2024-07-01")
    page = text_of(user_browser.get("/credentials/"))
    assert "Convert CIC-A to CIC" in page
    assert "AAPC publishes how CPC-A and COC-A become CPC and COC; Rungs assumes CIC-A becomes CIC" in page


def test_a_full_credential_has_no_convert_button(app, user_browser):
    add_credential(user_browser, "CPC")
    with app.app_context():
        credential_id = db.session.execute(select(Credential.id)).scalar_one()
    assert "Convert" not in text_of(user_browser.get("/credentials/"))
    assert user_browser.post(f"/credentials/{credential_id}/convert").status_code == 404


def test_rhit_then_rhia_retires_rhit_as_replaced_and_needs_30(app, user_browser):
    add_credential(user_browser, "RHIT", earned="2022-03-10", renewal_month="0", cycle_end="2026-03-09")
    assert add_credential(user_browser, "RHIA", earned="2025-06-01", renewal_month="0").status_code == 302
    with app.app_context():
        rhit = db.session.execute(select(Credential).where(Credential.code == "RHIT")).scalar_one()
        assert (rhit.replaced_by, rhit.replaced_on.isoformat()) == ("RHIA", "2025-06-01")
    assert "Required 30" in text_of(user_browser.get("/credentials/ahima/"))
    assert "Replaced by RHIA on Jun 1, 2025" in text_of(user_browser.get("/credentials/"))
    assert "AHIMA CEUs RHIA On track" in text_of(user_browser.get("/"))  # RHIT no longer listed


def test_deleting_rhia_brings_back_the_rhit_it_replaced(app, user_browser):
    add_credential(user_browser, "RHIT", earned="2022-03-10", renewal_month="0", cycle_end="2026-03-09")
    add_credential(user_browser, "RHIA", earned="2025-06-01", renewal_month="0")
    with app.app_context():
        rhia_id = db.session.execute(select(Credential.id).where(Credential.code == "RHIA")).scalar_one()
    user_browser.post(f"/credentials/{rhia_id}/delete")
    with app.app_context():
        rhit = db.session.execute(select(Credential)).scalar_one()
        assert (rhit.code, rhit.replaced_by, rhit.replaced_on) == ("RHIT", None, None)
    assert "Required 20" in text_of(user_browser.get("/credentials/ahima/"))


def test_first_aapc_cycle_shows_the_estimate_and_the_tracker_figure_replaces_it(app, user_browser):
    add_credential(user_browser, "CPC", earned="2025-11-20")
    page = text_of(user_browser.get("/credentials/aapc/"))
    assert "Required 27" in page
    assert "27 CEUs is Rungs' estimate" in page
    user_browser.post("/credentials/aapc/setup", {"renewal_month": "5", "first_cycle_ceus": "24"})
    page = text_of(user_browser.get("/credentials/aapc/"))
    assert "Required 24" in page and "You entered 24 CEUs" in page


def test_cpc_earned_2023_05_15_with_may_renewal_shows_no_17_day_cycle(app, user_browser):
    add_credential(user_browser, "CPC", earned="2023-05-15")
    page = text_of(user_browser.get("/credentials/aapc/"))
    assert "Current cycle: Jun 1, 2025 → May 31, 2027" in page
    assert "May 15, 2023 → May 31, 2025" in page and "May 31, 2023" not in page


# -- credentials outside the catalogue ---------------------------------------------------------------

def add_other(browser, **extra):
    data = {"code": "OTHER", "other_code": "CCDS", "name": "Certified Clinical Documentation Specialist",
            "other_body": "ACDIS", "other_ceus": "30", "other_cycle_years": "2", "earned_on": "2025-03-01",
            "renewal_month": "0", **extra}
    return browser.post("/credentials/new", data)


def test_a_credential_the_catalogue_lacks_is_added_as_other_with_the_users_rule(app, user_browser):
    response = add_other(user_browser, cycle_end="2027-02-28")
    assert response.status_code == 302, text_of(response)
    with app.app_context():
        credential = db.session.execute(select(Credential)).scalar_one()
        assert (credential.body, credential.code, credential.other_body) == ("other", "CCDS", "ACDIS")
        key = f"other-{credential.id}"
    assert response.headers["Location"].endswith(f"/credentials/{key}/")
    page = text_of(user_browser.get(f"/credentials/{key}/"))
    assert "Required 30" in page and "Mar 1, 2025 → Feb 28, 2027" in page
    assert "Rungs does not know this body's rules beyond what you entered" in page
    assert log_ceu(user_browser, day="2026-02-01", ceus="5", counts=key).status_code == 302
    assert "Earned 5" in text_of(user_browser.get(f"/credentials/{key}/"))
    assert "ACDIS" in text_of(user_browser.get("/credentials/"))


def test_an_unknown_code_is_never_refused_but_asks_for_its_rule(app, user_browser):
    response = add_other(user_browser, other_ceus="")
    assert response.status_code == 422 and "Enter CEUs as a number" in text_of(response)
    assert "Another credential (not in this list)" in text_of(user_browser.get("/credentials/new"))


def test_deleting_an_other_credential_removes_its_ceus_only(app, user_browser):
    add_credential(user_browser, "CPC")
    log_ceu(user_browser, ceus="2")
    add_other(user_browser)
    with app.app_context():
        other = db.session.execute(select(Credential).where(Credential.body == "other")).scalar_one()
        other_id = other.id
    log_ceu(user_browser, day="2026-02-01", ceus="5", counts=f"other-{other_id}")
    user_browser.post(f"/credentials/{other_id}/delete")
    assert count(app, CeuActivity) == 1
    assert "Earned 2" in text_of(user_browser.get("/credentials/aapc/"))


# -- one activity, several credentials --------------------------------------------------------------

def test_one_activity_with_both_approvals_is_logged_once_and_counts_for_aapc_and_ahima(app, user_browser):
    add_credential(user_browser, "CPC")
    add_credential(user_browser, "CCS", earned="2024-03-10", renewal_month="0", cycle_end="2026-03-09")
    form = user_browser.get("/credentials/ceus/new").get_data(as_text=True)
    assert 'type="checkbox"' in form and "Second approval (AHIMA program id)" in form
    response = log_ceu(user_browser, day="2026-04-01", ceus="2", counts=["aapc", "ahima:CCS"],
                       reference="IDX-9", second_reference="AHIMA-123", certificate=(io.BytesIO(PDF), "cert.pdf"))
    assert response.status_code == 302, text_of(response)
    assert count(app, CeuActivity) == 1
    assert len(stored_files(app)) == 1
    assert "Earned 2" in text_of(user_browser.get("/credentials/aapc/"))
    ahima = text_of(user_browser.get("/credentials/ahima/"))
    assert "Earned 2" in ahima and "AHIMA-123" in ahima


def test_deleting_one_body_keeps_a_ceu_that_counts_for_the_other(app, user_browser):
    add_credential(user_browser, "CPC")
    add_credential(user_browser, "CCS", earned="2024-03-10", renewal_month="0", cycle_end="2026-03-09")
    log_ceu(user_browser, day="2026-04-01", ceus="2", counts=["aapc", "ahima:CCS"], reference="IDX-9", second_reference="AHIMA-123")
    with app.app_context():
        cpc_id = db.session.execute(select(Credential.id).where(Credential.code == "CPC")).scalar_one()
    user_browser.post(f"/credentials/{cpc_id}/delete")
    with app.app_context():
        activity = db.session.execute(select(CeuActivity)).scalar_one()
        assert (activity.body, activity.reference, activity.applies_to) == ("ahima", "AHIMA-123", "CCS")
    assert "Earned 2" in text_of(user_browser.get("/credentials/ahima/"))


def test_the_edit_form_ticks_every_credential_a_ceu_counts_toward(app, user_browser):
    add_credential(user_browser, "CPC")
    add_credential(user_browser, "CPMA")
    add_credential(user_browser, "CEMC")
    log_ceu(user_browser, day="2026-04-01", ceus="3", counts=["aapc:CPMA", "aapc:CEMC"])
    with app.app_context():
        activity_id = db.session.execute(select(CeuActivity.id)).scalar_one()
    page = user_browser.get(f"/credentials/ceus/{activity_id}/edit").get_data(as_text=True)
    checked = re.findall(r'<input[^>]*checked[^>]*value="([^"]+)"|<input[^>]*value="([^"]+)"[^>]*checked', page)
    assert {a or b for a, b in checked} >= {"aapc:CPMA", "aapc:CEMC"}
    aapc = text_of(user_browser.get("/credentials/aapc/"))
    assert "CPMA auditing : 3 of 16" in aapc and "CEMC E/M specialty : 3 of 8" in aapc
    assert "Earned 3" in aapc  # once toward the total


# -- certificates ---------------------------------------------------------------------------------

def test_an_oversize_certificate_answers_413_and_writes_nothing(app, user_browser):
    add_credential(user_browser, "CPC")
    big = PDF + b"0" * (10 * 1024 * 1024)
    data = {"csrf_token": user_browser.token(), "completed_on": "2026-01-10", "title": "Big", "ceus": "1",
            "counts_toward": "aapc", "certificate": (io.BytesIO(big), "big.pdf")}
    # Built by hand so the test can close the temporary file werkzeug spools the body into.
    builder = EnvironBuilder(path="/credentials/ceus/new", method="POST", data=data)
    environ = builder.get_environ()
    try:
        response = user_browser.client.open(environ)
    finally:
        environ["wsgi.input"].close()
        builder.close()
    assert response.status_code == 413
    assert count(app, CeuActivity) == 0
    assert stored_files(app) == []


def test_a_file_named_pdf_that_is_not_a_pdf_is_refused(app, user_browser):
    add_credential(user_browser, "CPC")
    for content in (b"<html><script>alert(1)</script></html>", b"<svg xmlns='http://www.w3.org/2000/svg'/>"):
        response = log_ceu(user_browser, certificate=(io.BytesIO(content), "certificate.pdf"))
        assert response.status_code == 422
        assert "must be a PDF, PNG or JPEG" in text_of(response)
    assert count(app, CeuActivity) == 0 and stored_files(app) == []


def test_a_path_traversal_name_is_stored_under_a_random_name(app, user_browser):
    add_credential(user_browser, "CPC")
    assert log_ceu(user_browser, certificate=(io.BytesIO(PNG), "../../etc/passwd.png")).status_code == 302
    (path,) = stored_files(app)
    assert path.parent.parent == Path(app.config["CERTIFICATE_DIR"])
    assert path.name != "passwd.png" and path.suffix == ".png"
    with app.app_context():
        activity = db.session.execute(select(CeuActivity)).scalar_one()
        assert activity.certificate_name == "passwd.png"
    download = user_browser.get(f"/credentials/ceus/{activity.id}/certificate")
    assert download.status_code == 200 and download.data == PNG
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()


def test_another_users_certificate_and_ceus_answer_404(app, user_browser):
    add_credential(user_browser, "CPC")
    log_ceu(user_browser, certificate=(io.BytesIO(PDF), "c.pdf"))
    with app.app_context():
        activity_id = db.session.execute(select(CeuActivity.id)).scalar_one()
        credential_id = db.session.execute(select(Credential.id)).scalar_one()
    user_browser.post("/logout")
    user_browser.forget_token()
    signed_in(user_browser, email="other@example.com")
    for url in (f"/credentials/ceus/{activity_id}/certificate", f"/credentials/ceus/{activity_id}/edit",
                f"/credentials/{credential_id}/edit", f"/credentials/{credential_id}/delete", "/credentials/aapc/",
                "/credentials/aapc/cycles/2027-05-31/audit.zip"):
        assert user_browser.get(url).status_code == 404, url
    assert user_browser.post(f"/credentials/ceus/{activity_id}/delete").status_code == 404
    assert user_browser.post(f"/credentials/{credential_id}/delete").status_code == 404
    assert count(app, CeuActivity) == 1 and count(app, Credential) == 1


# -- for other features -----------------------------------------------------------------------------

def test_a_credential_added_by_a_passed_exam_says_so(app, user_browser):
    with app.app_context():
        me = db.session.execute(select(User)).scalar_one()
        credential = credential_service.add_credential(me, "CPC-A", dt.date(2026, 11, 1), dt.date(2026, 11, 23), renewal_month=5, source="exam")
        assert (credential.code, credential.source) == ("CPC-A", "exam")
        credential_service.convert_credential(credential, "CPC", dt.date(2026, 11, 20), dt.date(2026, 11, 23))
        assert (credential.code, credential.converted_from, credential.source) == ("CPC", "CPC-A", "exam")


def test_a_cpc_earned_last_month_never_reads_at_risk_on_the_page(app, user_browser):
    add_credential(user_browser, "CPC", earned="2026-10-23", renewal_month="11")
    page = text_of(user_browser.get("/credentials/aapc/"))
    assert "At risk" not in page and "On track" in page
    assert "At risk" not in text_of(user_browser.get("/"))


def test_a_ceu_of_a_replaced_rhit_stays_editable_and_new_ceus_go_to_rhia(app, user_browser):
    add_credential(user_browser, "RHIT", earned="2022-03-10", renewal_month="0", cycle_end="2026-03-09")
    log_ceu(user_browser, day="2024-05-01", ceus="4", counts="ahima:RHIT")
    add_credential(user_browser, "RHIA", earned="2025-06-01", renewal_month="0")
    with app.app_context():
        activity_id = db.session.execute(select(CeuActivity.id)).scalar_one()
    edit = user_browser.get(f"/credentials/ceus/{activity_id}/edit").get_data(as_text=True)
    assert "AHIMA: RHIT (replaced by RHIA)" in edit
    assert "AHIMA: RHIT" not in user_browser.get("/credentials/ceus/new").get_data(as_text=True)


def test_a_conversion_made_by_mistake_is_undone(app, user_browser):
    add_credential(user_browser, "CPC-A", earned="2024-07-01")
    with app.app_context():
        credential_id = db.session.execute(select(Credential.id)).scalar_one()
    user_browser.post(f"/credentials/{credential_id}/convert")
    assert "Undo: back to CPC-A" in text_of(user_browser.get("/credentials/"))
    assert user_browser.post(f"/credentials/{credential_id}/unconvert").status_code == 302
    with app.app_context():
        credential = db.session.execute(select(Credential)).scalar_one()
        assert (credential.code, credential.converted_from, credential.converted_on) == ("CPC-A", None, None)
    assert "Convert CPC-A to CPC" in text_of(user_browser.get("/credentials/"))
