"""Issue 16 on a phone (390 px): log a CEU from the dashboard in one step, log another like it,
search the log, and download the cycle's audit packet, read back with pypdf."""
from __future__ import annotations

from pypdf import PdfReader
from playwright.sync_api import expect

from e2e.ui import PHONE, check_accessibility, expect_flash, fill_form, horizontal_overflow


def _certificate_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 10, "Certificate of completion: Risk adjustment, part 1")
    return bytes(pdf.output())


def test_quick_capture_search_and_audit_packet_on_a_phone(person, tmp_path):
    page = person.page
    page.set_viewport_size(PHONE)
    person.goto("/credentials/new")
    fill_form(page.locator("main form"), {
        "Credential": "CPC", "Date earned": "2020-06-15", "AAPC membership renewal month": "May",
    })
    page.get_by_role("button", name="Add credential").click()
    expect_flash(page, "CPC added")

    # One step from the dashboard, with the date already today.
    person.goto("/")
    quick = page.locator("#log-a-ceu")
    expect(quick.get_by_label("Date completed")).to_have_value(person.today().isoformat())
    check_accessibility(page)
    quick.get_by_role("button", name="Log CEU").click()  # nothing filled in: said at the fields
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("#quick-title-error")).to_be_visible()
    check_accessibility(page)
    assert horizontal_overflow(page) <= 0

    person.goto("/")
    certificate = tmp_path / "part1.pdf"
    certificate.write_bytes(_certificate_pdf())
    quick = page.locator("#log-a-ceu")
    fill_form(quick, {"Title": "Risk adjustment, part 1", "CEUs": "1.5", "Provider": "Coding Leaders"})
    quick.get_by_text("Index number and certificate (optional)").click()
    fill_form(quick, {"AAPC index number or AHIMA program id": "IDX-RA-1",
                      "Certificate (PDF, PNG or JPEG, 10 MB at most)": certificate})
    box = quick.get_by_role("button", name="Log CEU").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # one thumb: a big, full-width button
    quick.get_by_role("button", name="Log CEU").click()
    expect_flash(page, "Logged “Risk adjustment, part 1” (1.5 CEUs).")
    expect(page).to_have_url(person.base + "/")

    # The series goes on: the next part, prefilled.
    page.locator("#log-a-ceu").get_by_role("link", name="Log another like this").click()
    expect(page.get_by_label("Title")).to_have_value("Risk adjustment, part 1")
    expect(page.get_by_label("Provider")).to_have_value("Coding Leaders")
    expect(page.get_by_label("CEUs")).to_have_value("1.5")
    check_accessibility(page)
    page.get_by_label("Title").fill("Risk adjustment, part 2")
    page.get_by_role("button", name="Log CEU").click()
    expect_flash(page, "Logged “Risk adjustment, part 2”")

    # The log: search it, read the totals.
    page.locator("#log-a-ceu").get_by_role("link", name="Your CEU log").click()
    check_accessibility(page)
    assert horizontal_overflow(page) <= 0
    page.get_by_label("Search").fill("part 2")
    page.get_by_role("button", name="Show CEUs").click()
    expect(page).to_have_url(person.base + "/ceus/?q=part+2&start=&end=&provider=&toward=&certificate=")
    expect(page.get_by_role("heading", name="1 CEU activity")).to_be_visible()
    expect(page.locator("table.ceu-log")).not_to_contain_text("part 1")
    expect(page.locator("table.ceu-totals tfoot")).to_contain_text("1.5")
    fill_form(page.locator("main form"), {"Search": "", "Certificate": "With a certificate"})
    page.get_by_role("button", name="Show CEUs").click()
    expect(page.locator("table.ceu-log")).to_contain_text("Risk adjustment, part 1")
    expect(page.locator("table.ceu-log")).not_to_contain_text("part 2")
    check_accessibility(page)

    # The audit packet, from the credential page, read back.
    person.goto("/credentials/aapc/")
    assert horizontal_overflow(page) <= 0
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Audit packet (PDF)").click()
    reader = PdfReader(download_info.value.path())
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "AAPC CEU audit packet" in text and "coder@example.com" in text
    assert "IDX-RA-1" in text and "Risk adjustment, part 2" in text
    assert "Certificate of completion: Risk adjustment, part 1" in reader.pages[-1].extract_text()
    assert f"page {len(reader.pages)} of {len(reader.pages)}" in reader.pages[-1].extract_text()
    assert [item.title for item in reader.outline][-1] == "CEU 1 certificate: Risk adjustment, part 1"
