"""Credentials and CEUs in a real browser: add credentials, log a CEU with its certificate, read
what the cycle still needs, and download the audit ZIP."""
from __future__ import annotations

import io
import zipfile

from playwright.sync_api import expect

from e2e.ui import PHONE, check_accessibility, expect_flash, fill_form, horizontal_overflow

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_ceu_with_its_certificate_counts_toward_the_cycle(person, tmp_path):
    page = person.goto("/credentials/")
    check_accessibility(page)
    page.get_by_role("link", name="Add a credential").first.click()
    check_accessibility(page)
    fill_form(page.locator("main form"), {
        "Credential": "CPC", "Date earned": "2020-06-15", "AAPC membership renewal month": "May",
    })
    page.get_by_role("button", name="Add credential").click()
    expect_flash(page, "CPC added")
    person.goto("/credentials/new")
    fill_form(page.locator("main form"), {"Credential": "CRC", "Date earned": "2022-03-01"})
    page.get_by_role("button", name="Add credential").click()
    expect_flash(page, "CRC added")

    certificate = tmp_path / "webinar.pdf"
    certificate.write_bytes(PDF)
    page.get_by_role("link", name="Log a CEU").first.click()
    check_accessibility(page)
    day = person.today().replace(day=1)
    fill_form(page.locator("main form"), {
        "Date completed": day, "Title": "Risk adjustment webinar", "Provider": "AAPC",
        "CEUs": "1.5", "Certificate (PDF, PNG or JPEG, 10 MB at most)": certificate,
    })
    page.get_by_role("button", name="Log activity").click()
    expect_flash(page, "Logged “Risk adjustment webinar”")

    summary = page.locator(".summary").first
    expect(summary).to_contain_text("Required40")
    expect(summary).to_contain_text("Earned1.5")
    expect(summary).to_contain_text("Still needed38.5")
    check_accessibility(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Audit ZIP (CSV + certificates)").click()
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    certificates = [n for n in archive.namelist() if "/certificates/" in n]
    assert len(certificates) == 1 and archive.read(certificates[0]) == PDF

    page.set_viewport_size(PHONE)
    for path in ("/credentials/", "/credentials/aapc/", "/credentials/ceus/new", "/"):
        person.goto(path)
        assert horizontal_overflow(page) <= 0, path


def test_a_fake_pdf_is_refused_with_the_reason_at_the_field(person, tmp_path):
    page = person.goto("/credentials/new")
    fill_form(page.locator("main form"), {"Credential": "RHIT", "Date earned": "2024-03-10"})
    page.get_by_role("button", name="Add credential").click()
    expect_flash(page, "RHIT added")
    fake = tmp_path / "certificate.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    person.goto("/credentials/ceus/new")
    fill_form(page.locator("main form"), {
        "Title": "HIM webinar", "CEUs": "2", "Certificate (PDF, PNG or JPEG, 10 MB at most)": fake,
    })
    page.get_by_role("button", name="Log activity").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#certificate-error")).to_contain_text("must be a PDF, PNG or JPEG")
    check_accessibility(page)


def test_a_credential_outside_the_list_unfolds_its_fields_and_is_tracked(person):
    """'Another credential' keeps its five fields folded until it is chosen; then they open, and
    what the coder enters becomes a tracked cycle."""
    page = person.goto("/credentials/new")
    other = page.locator("details#other")
    expect(other).not_to_have_attribute("open", "")
    page.get_by_label("Credential").select_option(label="Another credential (not in this list)")
    expect(other).to_have_attribute("open", "")
    check_accessibility(page)
    fill_form(page.locator("main form"), {
        "Date earned": "2025-03-01", "Its letters": "CCDS", "Its full name": "Certified Clinical Documentation Specialist",
        "Certifying body": "ACDIS", "CEUs per cycle": "30", "Cycle length in years": "2",
    })
    page.get_by_role("button", name="Add credential").click()
    expect_flash(page, "CCDS added")
    expect(page.locator("main")).to_contain_text("30")
    page.set_viewport_size(PHONE)
    assert horizontal_overflow(page) == 0
