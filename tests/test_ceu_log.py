"""Issue 16, capture and audit: quick capture, the searchable CEU log with its totals, the member
number, the audit packet (read back with pypdf) and the CSV as Excel opens it."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from fpdf import FPDF
from pypdf import PdfReader
from sqlalchemy import event, func, select

from tracker.extensions import db
from tracker.models import CeuActivity, User
from tracker.services import ceu_log
from tracker.services import credentials as credential_service

import builders
from support import Browser, text_of

TODAY = dt.date(2026, 11, 23)  # the clock fixture's day (New York)


def _pdf(text: str, pages: int = 1) -> bytes:
    pdf = FPDF()
    for n in range(pages):
        pdf.add_page()
        pdf.set_font("Helvetica", size=14)
        pdf.cell(0, 10, f"{text} page {n + 1}")
    return bytes(pdf.output())


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 220, 255)).save(out, "PNG")
    return out.getvalue()


def user_of(app, email=builders.EMAIL) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


@pytest.fixture
def coder(app, user_browser):
    """A CPC (renewal month May) who also holds CPMA (AAPC subset) and RHIT (AHIMA)."""
    with app.app_context():
        user = user_of(app)
        credential_service.add_credential(user, "CPC", dt.date(2020, 6, 15), TODAY, renewal_month=5)
        credential_service.add_credential(user, "CPMA", dt.date(2021, 1, 10), TODAY)
        credential_service.add_credential(user, "RHIT", dt.date(2021, 9, 10), TODAY, cycle_end=dt.date(2027, 9, 9))
    return user_browser


def log(app, title, day, ceus="1", toward="aapc", provider="AAPC", reference="", certificate=None, second=""):
    with app.app_context():
        user = user_of(app)
        data = credential_service.ActivityInput(day, title, provider, reference, ceus, toward, second_reference=second)
        upload = (certificate[0], io.BytesIO(certificate[1])) if certificate else None
        return credential_service.add_activity(user, data, TODAY, upload).id


def quick(browser, **fields):
    data = {"completed_on": TODAY.isoformat(), "title": "Coding Clinic Q4", "provider": "AHA", "ceus": "1",
            "counts_toward": "aapc", "reference": "", "back": "/", **fields}
    return browser.post("/ceus/quick", data, content_type="multipart/form-data")


# -- quick capture --------------------------------------------------------------------------------

def test_the_dashboard_offers_quick_capture_dated_today_in_the_users_zone(app, coder):
    page = coder.get("/").text
    assert 'id="log-a-ceu"' in page
    assert f'value="{TODAY.isoformat()}"' in page  # Nov 23 in New York
    assert '<select id="quick-counts_toward" name="counts_toward">' in page  # several credentials: it asks


def test_the_dashboard_names_the_last_ceu_logged_and_offers_another_like_it(app, coder):
    log(app, "Coding Clinic Q3", TODAY - dt.timedelta(days=40))
    latest = log(app, "E/M <2026> update", TODAY - dt.timedelta(days=3))
    page = coder.get("/").text
    assert "Last logged: “E/M &lt;2026&gt; update”, Nov 20, 2026." in page
    assert f'href="/ceus/quick?like={latest}&amp;back=/">Log another like this</a>' in page


def test_quick_capture_is_absent_without_a_credential(app, user_browser):
    assert 'id="log-a-ceu"' not in user_browser.get("/").text
    response = user_browser.get("/ceus/quick")
    assert response.status_code == 302 and response.headers["Location"].endswith("/credentials/new")


def test_quick_capture_logs_a_ceu_and_goes_back_where_it_came_from(app, coder):
    response = quick(coder, back="/credentials/aapc/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/credentials/aapc/"
    page = text_of(coder.get("/credentials/aapc/"))
    assert "Logged “Coding Clinic Q4” (1 CEUs)." in page
    with app.app_context():
        activity = db.session.execute(select(CeuActivity)).scalar_one()
        assert (activity.title, activity.provider, activity.completed_on, activity.body) == ("Coding Clinic Q4", "AHA", TODAY, "aapc")


def test_quick_capture_never_redirects_off_the_site(app, coder):
    response = quick(coder, back="https://evil.example/")
    assert response.headers["Location"] == "/"


def test_quick_capture_refuses_what_the_full_form_refuses(app, coder):
    response = quick(coder, ceus="0")
    assert response.status_code == 422
    assert "CEUs must be more than 0." in text_of(response)
    response = quick(coder, ceus="1.255")
    assert "Use at most two decimals" in text_of(response)
    response = quick(coder, title="x" * 201)
    assert response.status_code == 422
    response = quick(coder, completed_on="2026-12-01")
    assert "in the future" in text_of(response)
    response = quick(coder, counts_toward="ahima:CCS")
    assert response.status_code == 422
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(CeuActivity)).scalar_one() == 0


def test_quick_capture_asks_which_cycle_for_a_renewal_month_ceu(app, coder):
    response = quick(coder, completed_on="2025-05-10")
    assert response.status_code == 422
    assert "Which cycle" in text_of(response)
    assert quick(coder, completed_on="2025-05-10", next_cycle="next").status_code == 302
    with app.app_context():
        assert db.session.execute(select(CeuActivity.next_cycle)).scalar_one() is True


def test_quick_capture_stores_a_certificate_and_index_number(app, coder):
    response = quick(coder, reference="IDX-123", certificate=(io.BytesIO(_pdf("cert")), "cert.pdf"))
    assert response.status_code == 302
    with app.app_context():
        activity = db.session.execute(select(CeuActivity)).scalar_one()
        assert activity.reference == "IDX-123" and activity.certificate_type == "application/pdf"


def test_log_another_like_this_prefills_all_but_the_date_and_index_number(app, coder):
    activity_id = log(app, "Risk adjustment series, part 1", dt.date(2026, 10, 1), ceus="1.5", provider="Vendor X",
                      reference="IDX9", toward="aapc:CPMA")
    page = coder.get(f"/ceus/quick?like={activity_id}").text
    assert 'value="Risk adjustment series, part 1"' in page
    assert 'value="Vendor X"' in page and 'value="1.5"' in page
    assert f'value="{TODAY.isoformat()}"' in page
    assert 'value="IDX9"' not in page
    assert '<option value="aapc:CPMA" selected>' in page
    # The dashboard offers it for the last CEU logged.
    assert f"/ceus/quick?like={activity_id}" in coder.get("/").text


def test_log_another_like_someone_elses_ceu_is_not_found(app, coder):
    other = builders.make_user(app, "other@example.com")
    builders.add_credential(app, other, "CPC", dt.date(2020, 6, 15), TODAY, renewal_month=5)
    with app.app_context():
        user = db.session.get(User, other)
        theirs = credential_service.add_activity(
            user, credential_service.ActivityInput(dt.date(2026, 1, 5), "Theirs", "P", "", "1", "aapc"), TODAY).id
    assert coder.get(f"/ceus/quick?like={theirs}").status_code == 404
    assert "Theirs" not in coder.get("/").text  # suggestions come from one's own log only


def test_suggestions_are_the_users_own_recent_titles_and_providers(app, coder):
    log(app, "Old webinar", dt.date(2026, 1, 5), provider="Old provider")
    log(app, "New webinar", dt.date(2026, 2, 5), provider="New provider")
    page = coder.get("/").text
    assert page.index('<option value="New webinar">') < page.index('<option value="Old webinar">')
    assert '<option value="New provider">' in page
    assert 'list="ceu-titles"' in page and 'list="ceu-providers"' in page


def test_the_cards_one_query_gives_the_suggestions_and_the_last_ceu_of_their_own(app, coder):
    with app.app_context():
        assert ceu_log.card_data(user_of(app)) == (ceu_log.Suggestions([], []), None)
    for n in range(35):  # more than the datalist offers
        log(app, f"Webinar {n % 33}", dt.date(2026, 1, 1) + dt.timedelta(days=n), provider="" if n % 2 else f"P{n % 5}")
    last = log(app, "Webinar 3", dt.date(2025, 12, 1), provider="")  # logged last, completed earlier
    with app.app_context():
        user = user_of(app)
        suggestions, latest = ceu_log.card_data(user)
        assert suggestions == ceu_log.suggestions(user)
        rows = db.session.execute(select(CeuActivity.id, CeuActivity.title, CeuActivity.provider)
                                  .order_by(CeuActivity.id.desc())).all()

        def newest_first(values):  # distinct, by the newest CEU that has each
            return list(dict.fromkeys(v for v in values if v))[:30]

        assert suggestions.titles == newest_first(r.title for r in rows)
        assert suggestions.providers == newest_first(r.provider for r in rows)
        assert suggestions.titles[0] == "Webinar 3" and len(suggestions.titles) == 30
        assert "" not in suggestions.providers
        assert latest == ceu_log.LastLogged(last, "Webinar 3", dt.date(2025, 12, 1))


def test_the_cards_smaller_form_shows_what_the_full_form_shows(app, coder):
    from flask_login import login_user

    from tracker.forms import QuickCeuForm
    from tracker.views import ceus as ceu_views
    from tracker.views import quick_card_html

    with app.test_request_context("/"):
        login_user(user_of(app))
        full, _choices = ceu_views._quick_form(toward="aapc:CPMA")
        card = QuickCeuForm(formdata=None)  # as the card is compiled: the same values
        quick_card_html.suggesting(card)
        card.counts_toward.choices = full.counts_toward.choices
        card.counts_toward.data = full.counts_toward.data
        card.completed_on.data = full.completed_on.data
        fields = app.jinja_env.get_template("ceus/_quick_fields.html").module.quick_fields
        shown = ceu_log.Suggestions(["A <title>"], ["A provider"])
        assert fields(card, True, shown) == fields(full, True, shown)
        assert fields(card, False, shown, open_more=True) == fields(full, False, shown, open_more=True)


# -- the log --------------------------------------------------------------------------------------

@pytest.fixture
def logged(app, coder):
    log(app, "E/M update", dt.date(2026, 1, 10), ceus="2", provider="AAPC", reference="A1",
        certificate=("em.pdf", _pdf("em")))
    log(app, "Audit basics", dt.date(2026, 3, 1), ceus="1.5", provider="Vendor X", reference="A2", toward="aapc:CPMA")
    log(app, "Audit sampling", dt.date(2026, 4, 1), ceus="0.5", provider="Vendor X", reference="A3", toward="aapc:CPMA")
    log(app, "HIM privacy", dt.date(2026, 6, 1), ceus="1", provider="AHIMA", toward="ahima:RHIT")
    log(app, "Both bodies", dt.date(2026, 7, 1), ceus="1.25", provider="State chapter", reference="A4",
        toward=["aapc", "ahima:RHIT"], second="AH-77")
    return coder


def totals(app, **wanted):
    with app.app_context():
        found = ceu_log.search(user_of(app), ceu_log.LogFilter(**wanted))
        return found, {t.category.key: (t.ceus, t.count) for t in found.totals}


def test_totals_by_category_and_a_total_for_every_ceu(app, logged):
    found, by = totals(app)
    assert found.count == 5 and found.total == Decimal("6.25")
    assert by["aapc:"] == (Decimal("3.25"), 2)
    assert by["aapc:CPMA"] == (Decimal("2"), 2)
    # The two-body CEU counts for RHIT too, beside the AHIMA one.
    assert by["ahima:RHIT"] == (Decimal("2.25"), 2)


def test_search_by_words_in_title_provider_or_index_number(app, logged):
    assert totals(app, text="audit")[0].count == 2
    assert totals(app, text="vendor x")[0].total == Decimal("2")
    assert totals(app, text="A4")[0].rows[0].title == "Both bodies"
    assert totals(app, text="100%_")[0].count == 0  # wildcards are plain characters


def test_filters_by_dates_provider_credential_and_certificate(app, logged):
    assert totals(app, start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 30))[0].count == 2
    assert totals(app, provider="Vendor X")[0].count == 2
    found, by = totals(app, toward="aapc:CPMA")
    assert found.count == 2 and set(by) == {"aapc:CPMA"}
    assert totals(app, toward="ahima:RHIT")[0].count == 2
    assert totals(app, toward="ahima")[0].count == 2
    assert totals(app, toward="aapc")[0].count == 4
    assert [r.title for r in totals(app, certificate="with")[0].rows] == ["E/M update"]
    assert totals(app, certificate="without")[0].count == 4


def test_the_log_page_filters_from_the_query_string(app, logged):
    response = logged.get("/ceus/?q=audit&toward=aapc%3ACPMA&certificate=without")
    assert response.status_code == 200
    page = text_of(response)
    assert "2 CEU activities" in page
    assert "Audit basics" in page and "E/M update" not in page
    assert "Clear filters" in page
    assert 'value="audit"' in response.text


def test_a_bad_filter_is_named_and_the_others_still_apply(app, logged):
    response = logged.get("/ceus/?start=not-a-date&provider=AHIMA")
    assert response.status_code == 422
    assert "Not a valid date value." in text_of(response)
    assert "1 CEU activity" in text_of(response)


def test_a_credential_the_user_does_not_hold_is_said_at_the_field(app, logged):
    response = logged.get("/ceus/?toward=aapc%3ACRC&provider=AHIMA")
    assert response.status_code == 422
    assert "You hold no such credential now" in text_of(response)
    assert "1 CEU activity" in text_of(response)


def test_the_log_pages_fifty_at_a_time(app, coder):
    with app.app_context():
        user = user_of(app)
        for n in range(60):
            db.session.add(CeuActivity(user_id=user.id, body="aapc", completed_on=TODAY - dt.timedelta(days=n + 1),
                                       title=f"Webinar {n}", provider="P", reference="", ceus=Decimal("0.5"),
                                       applies_to="", next_cycle=False))
        db.session.commit()
    first, second = text_of(coder.get("/ceus/")), text_of(coder.get("/ceus/?page=2"))
    assert "60 CEU activities, page 1 of 2" in first and "Webinar 0" in first and "Webinar 55" not in first
    assert "Webinar 55" in second and "Webinar 0" not in second
    assert "30" in second  # the total is of the whole filtered set
    assert coder.get("/ceus/?page=99").status_code == 200  # past the end: the last page


def test_another_users_ceus_never_show(app, logged):
    stranger = builders.signed_in(Browser(app.test_client()), "stranger@example.com")
    builders.add_credential(app, user_of_id(app, "stranger@example.com"), "CPC", dt.date(2020, 6, 15), TODAY, renewal_month=5)
    page = text_of(stranger.get("/ceus/?q=audit"))
    assert "Audit basics" not in page and "No CEU matches" in page


def user_of_id(app, email):
    with app.app_context():
        return user_of(app, email).id


def _queries(app, browser, path) -> int:
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = browser.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements)


def test_the_log_page_costs_the_same_queries_with_0_50_or_200_ceus(app, clock):
    counts = {}
    for size in (0, 50, 200):
        email = f"q{size}@example.com"
        browser = builders.signed_in(Browser(app.test_client()), email)
        with app.app_context():
            user = user_of(app, email)
            credential_service.add_credential(user, "CPC", dt.date(2020, 6, 15), TODAY, renewal_month=5)
            credential_service.add_credential(user, "CPMA", dt.date(2021, 1, 10), TODAY)
            credential_service.add_credential(user, "RHIT", dt.date(2021, 9, 10), TODAY)
            for n in range(size):
                ahima = n % 3 == 2
                db.session.add(CeuActivity(
                    user_id=user.id, body="ahima" if ahima else "aapc", completed_on=TODAY - dt.timedelta(days=1 + n),
                    title=f"Webinar {n}", provider=f"Provider {n % 7}", reference=f"IDX{n}", ceus=Decimal("0.5"),
                    applies_to="RHIT" if ahima else ("CPMA" if n % 5 == 0 else ""), next_cycle=False,
                ))
            db.session.commit()
        for path in ("/ceus/", "/ceus/?q=webinar&certificate=without&toward=aapc"):
            _queries(app, browser, path)  # warm
            counts[(size, path)] = _queries(app, browser, path)
    for path in ("/ceus/", "/ceus/?q=webinar&certificate=without&toward=aapc"):
        assert counts[(0, path)] == counts[(50, path)] == counts[(200, path)], counts


# -- member number --------------------------------------------------------------------------------

def test_the_member_number_is_saved_from_settings(app, user_browser):
    response = user_browser.post("/settings/", {"time_zone": "America/Chicago", "member_number": " 01234567 "})
    assert response.status_code == 302
    with app.app_context():
        user = user_of(app)
        assert (user.member_number, user.time_zone) == ("01234567", "America/Chicago")
    assert 'value="01234567"' in user_browser.get("/settings/").text


def test_a_member_number_past_the_limit_is_refused_with_nothing_changed(app, user_browser):
    response = user_browser.post("/settings/", {"time_zone": "America/Chicago", "member_number": "9" * 61})
    assert response.status_code == 422
    assert "Keep the member number to 60 characters." in text_of(response)
    with app.app_context():
        user = user_of(app)
        assert (user.member_number, user.time_zone) == (None, "America/New_York")


def test_the_member_number_over_the_api(app, user_browser):
    with app.app_context():
        from tracker.services import api_tokens

        _token, secret = api_tokens.create_token(user_of(app), "test")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=headers).json["member_number"] is None
    response = client.patch("/api/v1/me", json={"member_number": "AAPC 01234567"}, headers=headers)
    assert response.status_code == 200 and response.json["member_number"] == "AAPC 01234567"
    assert client.patch("/api/v1/me", json={"member_number": "x" * 61}, headers=headers).status_code == 422
    assert client.patch("/api/v1/me", json={"member_number": "a\x00b"}, headers=headers).status_code == 422
    assert client.patch("/api/v1/me", json={"member_number": None}, headers=headers).json["member_number"] is None


def test_the_member_number_survives_export_and_import(app, user_browser):
    user_browser.post("/settings/", {"time_zone": "America/New_York", "member_number": "AHIMA 7654321"})
    exported = user_browser.get("/settings/export.json").data
    assert json.loads(exported)["profile"]["member_number"] == "AHIMA 7654321"
    other = builders.signed_in(Browser(app.test_client()), "new@example.com")
    response = other.post("/settings/import", {"data_file": (io.BytesIO(exported), "me.json")}, content_type="multipart/form-data")
    assert response.status_code == 302, text_of(response)
    with app.app_context():
        assert user_of(app, "new@example.com").member_number == "AHIMA 7654321"
    broken = json.loads(exported)
    broken["profile"]["member_number"] = "x" * 61
    third = builders.signed_in(Browser(app.test_client()), "third@example.com")
    response = third.post("/settings/import", {"data_file": (io.BytesIO(json.dumps(broken).encode()), "me.json")},
                          content_type="multipart/form-data")
    assert response.status_code == 422
    assert "profile.member_number" in text_of(response)


# -- the audit packet -----------------------------------------------------------------------------

def _packet(browser, body="aapc", end="2027-05-31") -> PdfReader:
    response = browser.get(f"/ceus/audit/{body}/{end}.pdf")
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    return PdfReader(io.BytesIO(response.data))


def test_the_audit_packet_has_the_summary_the_table_and_every_certificate(app, coder):
    coder.post("/settings/", {"time_zone": "America/New_York", "member_number": "01234567"})
    log(app, "E/M update", dt.date(2026, 1, 10), ceus="2", reference="IDX-EM", certificate=("em.pdf", _pdf("EM CERT", pages=2)))
    log(app, "Audit basics", dt.date(2026, 3, 1), ceus="1.5", reference="IDX-AUD", toward="aapc:CPMA",
        certificate=("photo.png", _png()))
    log(app, "No paper", dt.date(2026, 4, 1), ceus="1", reference="IDX-NONE")
    reader = _packet(coder)
    text = "\n".join(page.extract_text() for page in reader.pages)
    summary = reader.pages[0].extract_text()
    assert "AAPC CEU audit packet" in summary
    assert "coder@example.com" in summary and "01234567" in summary
    assert "CPC" in summary and "CPMA" in summary
    assert "Jun 1, 2025" in summary and "May 31, 2027" in summary
    assert "Requirements" in summary and "Contents" in summary
    for index in ("IDX-EM", "IDX-AUD", "IDX-NONE"):
        assert index in text
    assert "EM CERT page 1" in text and "EM CERT page 2" in text
    total = len(reader.pages)
    # Summary pages, the 2-page PDF, the photo's page.
    summary_pages = total - 3
    assert summary_pages >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert f"page {number} of {total}" in page.extract_text()
    outline = [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]
    assert outline == [
        ("Summary and requirements", 0), ("CEUs that count", 1),
        ("CEU 1 certificate: E/M update", summary_pages), ("CEU 2 certificate: Audit basics", summary_pages + 2),
    ]
    # The table of contents and the CEU table name the certificates' pages.
    assert f"page {summary_pages + 1}" in summary and f"page {summary_pages + 3}" in summary
    assert "CEU 2: Audit basics" in reader.pages[summary_pages + 2].extract_text()
    assert "CEU 1 certificate - page" in reader.pages[summary_pages + 1].extract_text()


def test_a_long_contents_moves_the_ceu_table_and_says_where(app, coder):
    for n in range(45):
        log(app, f"Webinar {n}", dt.date(2025, 7, 1) + dt.timedelta(days=n * 7), reference=f"W{n}",
            certificate=(f"w{n}.pdf", _pdf(f"W{n} CERT")))
    reader = _packet(coder)
    outline = {item.title: reader.get_destination_page_number(item) for item in reader.outline}
    table = outline["CEUs that count"]
    assert table >= 2  # the contents took two pages
    assert "CEUs that count (45" in reader.pages[table].extract_text()
    assert f"CEUs that count page {table + 1}" in reader.pages[0].extract_text()
    last = outline["CEU 45 certificate: Webinar 44"]
    assert last == len(reader.pages) - 1 and "W44 CERT" in reader.pages[last].extract_text()


def test_a_damaged_certificate_gets_a_page_saying_so(app, coder):
    damaged = b"%PDF-1.4\nthis is not really a pdf at all"
    log(app, "Broken file", dt.date(2026, 1, 10), certificate=("broken.pdf", damaged))
    bad_image = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    log(app, "Broken photo", dt.date(2026, 2, 10), certificate=("broken.png", bad_image))
    from pypdf import PdfWriter

    locked = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf("LOCKED CERT"))))
    locked.encrypt("secret")
    out = io.BytesIO()
    locked.write(out)
    log(app, "Locked file", dt.date(2026, 2, 20), certificate=("locked.pdf", out.getvalue()))
    good = log(app, "Fine", dt.date(2026, 3, 10), certificate=("fine.pdf", _pdf("FINE CERT")))
    with app.app_context():
        user = user_of(app)
        gone = credential_service.get_activity(user, good)
        from tracker.services import certificates

        certificates.certificate_path(user, gone).unlink()
    reader = _packet(coder)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert text.count("Certificate not included") == 4
    assert "could not be read" in text and "missing" in text
    assert "LOCKED CERT" not in text and "FINE CERT" not in text


def test_the_packet_of_an_empty_cycle_and_of_a_stranger(app, coder):
    reader = _packet(coder, "ahima", "2027-09-09")
    assert "No CEUs logged for this cycle." in "\n".join(p.extract_text() for p in reader.pages)
    assert coder.get("/ceus/audit/aapc/2031-05-31.pdf").status_code == 404
    assert coder.get("/ceus/audit/aapc/nonsense.pdf").status_code == 404
    stranger = builders.signed_in(Browser(app.test_client()), "stranger@example.com")
    assert stranger.get("/ceus/audit/aapc/2027-05-31.pdf").status_code == 404


def test_the_credential_page_links_to_the_packet(app, coder):
    assert "/ceus/audit/aapc/2027-05-31.pdf" in coder.get("/credentials/aapc/").text


# -- the CSV, as Excel opens it ----------------------------------------------------------------------

def test_the_csv_has_a_bom_readable_headers_and_a_totals_row(app, coder):
    log(app, "Café coding – part 1", dt.date(2026, 1, 10), ceus="1.5", reference="IDX1")
    log(app, "=HYPERLINK(evil)", dt.date(2026, 2, 10), ceus="0.5", reference="IDX2")
    response = coder.get("/credentials/aapc/cycles/2027-05-31/ceus.csv")
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Completed on", "Title", "Provider", "AAPC index number", "CEUs"]
    assert rows[1][1] == "Café coding – part 1"
    assert rows[2][1] == "'=HYPERLINK(evil)"
    assert rows[-1][0] == "Total" and rows[-1][4] == "2"
