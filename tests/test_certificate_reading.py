"""Reading a certificate on the CEU form, as a person uses it: choose the file, Read it, wait on
the page that refreshes itself, review the form filled in, save; the certificate is attached."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import CeuActivity, CertificateRead
from tracker.services import certificate_reads

from builders import make_user, sign_in
from support import Browser, text_of

CORPUS = Path(__file__).parent / "certificates"


def add_credential(browser, code="CPC", earned="2020-06-15"):
    response = browser.post("/credentials/new", {"code": code, "earned_on": earned, "renewal_month": "5"})
    assert response.status_code == 302, text_of(response)


def read(browser, name: str, data: bytes | None = None):
    """Post a certificate from the CEU form to the reader (the "Read it" button)."""
    content = data if data is not None else (CORPUS / name).read_bytes()
    return browser.post("/credentials/ceus/read", {"read_file": (io.BytesIO(content), name), "title": ""},
                        content_type="multipart/form-data")


def finish(app, response) -> int:
    """Wait (bounded) for the read the answer points to, as the refreshing page would."""
    location = response.headers["Location"]
    match = re.search(r"(?:/read/|[?&]read=)(\d+)", location)
    assert match, location
    read_id = int(match.group(1))
    with app.app_context():
        assert certificate_reads.wait(db.session.get(CertificateRead, read_id), 120)
    return read_id


def value_of(page: str, name: str) -> str | None:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(rf'value="([^"]*)"[^>]*name="{name}"', page)
    return match.group(1) if match else None


def test_the_ceu_form_offers_to_read_a_certificate_from_the_phone_camera(app, user_browser):
    add_credential(user_browser)
    page = user_browser.get("/credentials/ceus/new").text
    assert 'accept="application/pdf,image/png,image/jpeg"' in page
    assert 'capture="environment"' in page
    assert "Fill this in from your certificate" in page


@pytest.mark.slow
def test_a_text_pdf_fills_the_form_at_once_and_saving_attaches_it(app, user_browser):
    add_credential(user_browser)
    add_credential(user_browser, "CRC", earned="2021-01-10")
    response = read(user_browser, "two_credentials.pdf")
    assert response.status_code == 302
    read_id = finish(app, response)
    form = user_browser.get(f"/credentials/ceus/new?read={read_id}")
    page = form.text
    assert value_of(page, "title") == "HCC Coding for Chronic Kidney Disease"
    assert value_of(page, "provider") == "Coding Clarity Academy"
    assert value_of(page, "reference") == "VEN1188420"
    assert value_of(page, "ceus") == "1.0"
    assert value_of(page, "completed_on") == "2026-09-15"
    assert value_of(page, "certificate_read") == str(read_id)
    assert page.count("Read from your certificate: check it.") == 6  # five fields and the credentials
    save = user_browser.post("/credentials/ceus/new", {
        "completed_on": "2026-09-15", "title": value_of(page, "title"), "provider": value_of(page, "provider"),
        "reference": "VEN1188420", "ceus": "1.0", "counts_toward": "aapc", "certificate_read": str(read_id),
    }, content_type="multipart/form-data")
    assert save.status_code == 302, text_of(save)
    with app.app_context():
        activity = db.session.execute(select(CeuActivity)).scalar_one()
        assert activity.certificate_name == "two_credentials.pdf"
        assert activity.certificate_type == "application/pdf"
        assert db.session.execute(select(func.count()).select_from(CertificateRead)).scalar_one() == 0
    download = user_browser.get(f"/credentials/ceus/{activity.id}/certificate")
    assert download.data == (CORPUS / "two_credentials.pdf").read_bytes()
    download.close()
    stored = [p for p in Path(app.config["CERTIFICATE_DIR"]).rglob("*") if p.is_file()]
    assert len(stored) == 1  # the waiting copy went with the read


@pytest.mark.slow
def test_a_photo_is_read_off_the_request_while_a_page_refreshes(app, user_browser):
    add_credential(user_browser)
    response = read(user_browser, "vendor_subset_photo.jpg")
    location = response.headers["Location"]
    if "/read/" in location:  # still reading after a second: the waiting page, which refreshes
        waiting = user_browser.get(location)
        if waiting.status_code == 200:
            assert "Reading your certificate" in waiting.text
            assert waiting.headers["Refresh"].startswith("2; url=")
    read_id = finish(app, response)
    moved = user_browser.get(f"/credentials/ceus/read/{read_id}")
    assert moved.status_code == 302 and moved.headers["Location"].endswith(f"/credentials/ceus/new?read={read_id}")
    state = user_browser.get(f"/credentials/ceus/read/{read_id}.json").get_json()
    assert state["status"] == "done"
    assert state["fields"]["reference"]["value"] == "OCI2611907"
    assert 0 < state["fields"]["reference"]["confidence"] <= 1
    page = user_browser.get(state["form_url"]).text
    assert value_of(page, "ceus") == "1.25"


@pytest.mark.slow
def test_what_cannot_be_read_stays_empty(app, user_browser):
    add_credential(user_browser)
    read_id = finish(app, read(user_browser, "no_index.pdf"))
    page = user_browser.get(f"/credentials/ceus/new?read={read_id}").text
    assert value_of(page, "reference") == ""
    assert value_of(page, "title") == "Compliance Basics for New Coders"


def test_a_file_that_is_no_certificate_is_refused_with_a_message(app, user_browser):
    add_credential(user_browser)
    response = read(user_browser, "notes.txt", b"just some text")
    assert response.status_code == 302 and response.headers["Location"].endswith("/credentials/ceus/new")
    page = text_of(user_browser.get("/credentials/ceus/new"))
    assert "A certificate must be a PDF, PNG or JPEG file" in page


@pytest.mark.slow
def test_a_broken_pdf_ends_on_the_form_with_why(app, user_browser):
    add_credential(user_browser)
    read_id = finish(app, read(user_browser, "broken.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 50))
    page = text_of(user_browser.get(f"/credentials/ceus/new?read={read_id}"))
    assert "This PDF is damaged" in page


@pytest.mark.slow
def test_another_users_read_answers_404(app, user_browser):
    add_credential(user_browser)
    read_id = finish(app, read(user_browser, "aapc_webinar.pdf"))
    other = sign_in(Browser(app.test_client()), make_user(app, "other@example.com"))
    add_credential(other)
    for url in (f"/credentials/ceus/read/{read_id}", f"/credentials/ceus/read/{read_id}.json",
                f"/credentials/ceus/new?read={read_id}"):
        assert other.get(url).status_code == 404, url
    save = other.post("/credentials/ceus/new", {
        "completed_on": "2026-11-04", "title": "Stolen", "ceus": "1", "counts_toward": "aapc",
        "certificate_read": str(read_id)}, content_type="multipart/form-data")
    assert save.status_code == 404
    state = json.loads(user_browser.get(f"/credentials/ceus/read/{read_id}.json").data)
    assert state["status"] == "done"
