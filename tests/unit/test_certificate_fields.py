"""The rules that take a certificate's fields from its lines: what is said plainly is read, the
rest is left empty, never guessed."""
from __future__ import annotations

import datetime as dt

from tracker.domain.certificate_fields import extract_fields, parse_date, respace

KNOWN = ["CPC", "CRC", "RHIT", "RHIA", "CCS"]


def read(*lines, ocr=False):
    return extract_fields(lines, known_credentials=KNOWN, ocr=ocr)


def test_the_date_formats_certificates_print():
    assert parse_date("Date of Completion: November 4, 2026") == dt.date(2026, 11, 4)
    assert parse_date("on Sept. 15, 2026") == dt.date(2026, 9, 15)
    assert parse_date("03 Aug 2026") == dt.date(2026, 8, 3)
    assert parse_date("Completed: 2026-09-22") == dt.date(2026, 9, 22)
    assert parse_date("Date: 10/14/2026") == dt.date(2026, 10, 14)
    assert parse_date("on 02/30/2026") is None  # no such day


def test_two_dates_with_no_label_leave_the_date_empty():
    fields = read("Webinar held 10/01/2026", "Certificate printed 10/20/2026")
    assert fields.value("completed_on") is None


def test_a_labelled_date_wins_over_another_date():
    fields = read("Printed 10/20/2026", "Completion Date: 10/01/2026")
    assert fields.value("completed_on") == dt.date(2026, 10, 1)


def test_credentials_after_a_name_are_not_an_approval():
    fields = read("Presented to Priya Nair, RHIT", "Approved for 1.0 CEU")
    assert fields.value("credentials") is None
    assert fields.value("ceus") == "1.0"


def test_an_approval_names_its_credentials_and_ceus():
    fields = read("Approved for 1.0 CEU for CPC, CRC")
    assert fields.value("credentials") == ("CPC", "CRC")
    assert fields.value("ceus") == "1.0"


def test_unknown_letters_in_an_approval_are_not_taken_for_credentials():
    assert read("Approved for: CPC, XYZQ").value("credentials") == ("CPC",)


def test_the_index_number_needs_its_label_and_a_digit():
    assert read("Index #: CHP4471201").value("reference") == "CHP4471201"
    assert read("AHIMA Program ID: AHM26-0418").value("reference") == "AHM26-0418"
    assert read("Index of topics: Coding").value("reference") is None
    assert read("WEB0926418").value("reference") is None


def test_the_title_is_read_from_its_label_or_the_line_after_completed():
    assert read("Course Title: Modifier 25 Deep Dive").value("title") == "Modifier 25 Deep Dive"
    assert read("has successfully completed the webinar", "E/M Auditing: MDM").value("title") == "E/M Auditing: MDM"
    assert read("Certificate of Completion", "Some Person").value("title") is None


def test_the_provider_keeps_its_inc():
    assert read("Provider: Precision Coding Education, Inc.").value("provider") == "Precision Coding Education, Inc."
    assert read("Sponsored by: AAPC.").value("provider") == "AAPC"


def test_ocr_text_without_spaces_is_read_and_respaced():
    fields = read("Sponsor:Coding ClarityAcademy", "Approved for1.0CEUforCPC,CRC", "AAPCIndexNumber:VEN1188420", ocr=True)
    assert fields.value("provider") == "Coding Clarity Academy"
    assert fields.value("credentials") == ("CPC", "CRC")
    assert fields.value("reference") == "VEN1188420"
    assert fields.found["provider"].confidence < 0.95


def test_respace_puts_back_dropped_spaces():
    assert respace("HCC Coding for ChronicKidneyDisease") == "HCC Coding for Chronic Kidney Disease"
    assert respace("E/MAuditing") == "E/M Auditing"
    assert respace("ICD-10-CMand Procedure") == "ICD-10-CM and Procedure"


def test_nothing_readable_gives_no_fields():
    assert read().found == {}
    assert read("Thank you for attending!").found == {}
