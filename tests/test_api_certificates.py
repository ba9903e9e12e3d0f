"""The certificate reader through the API: read a certificate's fields, then log the CEU with it."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import CeuActivity, CertificateRead

from builders import make_user, sign_in
from support import Browser

from test_api import API, token_for

CORPUS = Path(__file__).parent / "certificates"


class Uploader:
    def __init__(self, client, secret):
        self.client, self.headers = client, {"Authorization": f"Bearer {secret}"}

    def read(self, name: str, data: bytes | None = None):
        content = data if data is not None else (CORPUS / name).read_bytes()
        return self.client.post(f"{API}/certificates/read", data={"file": (io.BytesIO(content), name)},
                                headers=self.headers, content_type="multipart/form-data")

    def post(self, path, json):
        return self.client.post(f"{API}{path}", json=json, headers=self.headers)


@pytest.fixture
def api(app, user_browser):
    user_browser.post("/credentials/new", {"code": "CPC", "earned_on": "2020-06-15", "renewal_month": "5"})
    user_browser.post("/credentials/new", {"code": "CRC", "earned_on": "2021-06-15", "renewal_month": "5"})
    return Uploader(app.test_client(), token_for(app))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.slow
def test_reading_answers_each_field_with_its_confidence(api):
    response = api.read("two_credentials.pdf")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["source"] == "text"
    fields = body["fields"]
    assert fields["completed_on"]["value"] == "2026-09-15"
    assert fields["title"]["value"] == "HCC Coding for Chronic Kidney Disease"
    assert fields["provider"]["value"] == "Coding Clarity Academy"
    assert fields["ceus"]["value"] == "1.0"
    assert fields["reference"]["value"] == "VEN1188420"
    assert fields["credentials"]["value"] == ["CPC", "CRC"]
    assert all(0 < f["confidence"] <= 1 for f in fields.values())


@pytest.mark.slow
def test_a_field_the_certificate_does_not_say_is_absent(api):
    fields = api.read("no_index.pdf").json["fields"]
    assert "reference" not in fields and "credentials" not in fields
    assert fields["ceus"]["value"] == "0.5"


@pytest.mark.slow
def test_the_ceu_logged_with_the_read_id_gets_the_certificate(app, api):
    read_id = api.read("aapc_webinar.pdf").json["read_id"]
    response = api.post("/ceus", {"completed_on": "2026-11-04", "title": "E/M Auditing", "ceus": 1,
                                  "credential_id": 1, "certificate_read_id": read_id})
    assert response.status_code == 201, response.json
    with app.app_context():
        activity = db.session.execute(select(CeuActivity)).scalar_one()
        assert activity.certificate_name == "aapc_webinar.pdf"
    assert count(app, CertificateRead) == 0


@pytest.mark.parametrize("name, data, message", [
    ("notes.txt", b"hello", "must be a PDF, PNG or JPEG"),
    ("empty.pdf", b"", "empty"),
    pytest.param("broken.pdf", b"%PDF-1.4\n" + b"\x00junk" * 40, "damaged", marks=pytest.mark.slow),  # read: the child process
    pytest.param("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "damaged", marks=pytest.mark.slow),
])
def test_a_bad_file_is_a_422_with_why_and_keeps_nothing(app, api, name, data, message):
    response = api.read(name, data)
    assert response.status_code == 422
    assert message in response.json["message"]
    assert count(app, CertificateRead) == 0


def test_a_missing_file_is_a_422(api):
    response = api.client.post(f"{API}/certificates/read", data={}, headers=api.headers, content_type="multipart/form-data")
    assert response.status_code == 422


@pytest.mark.slow
def test_another_users_read_id_is_not_found(app, api):
    read_id = api.read("aapc_webinar.pdf").json["read_id"]
    other = sign_in(Browser(app.test_client()), make_user(app, "other@example.com"))
    other.post("/credentials/new", {"code": "CPC", "earned_on": "2020-06-15", "renewal_month": "5"})
    stranger = Uploader(app.test_client(), token_for(app, "other@example.com"))
    response = stranger.post("/ceus", {"completed_on": "2026-11-04", "title": "Mine now", "ceus": 1,
                                       "credential_id": 3, "certificate_read_id": read_id})
    assert response.status_code == 404
    assert count(app, CeuActivity) == 0


@pytest.mark.slow
def test_a_photo_is_read_by_ocr(api):
    body = api.read("no_index_photo.jpg").json
    assert body["source"] == "ocr"
    assert body["fields"]["provider"]["value"] == "Midwest Coders Network"


def test_extra_form_fields_are_refused(app, api):
    response = api.client.post(f"{API}/certificates/read", headers=api.headers, content_type="multipart/form-data",
                               data={"file": (io.BytesIO((CORPUS / "no_index.pdf").read_bytes()), "c.pdf"), "note": "x"})
    assert response.status_code == 422
    assert count(app, CertificateRead) == 0
