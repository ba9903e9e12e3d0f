"""Arbitrary input to the credentials, CEU, ladder and reminder forms never causes a server error."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import CeuActivity, Credential

from builders import signed_in

junk = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "0", "-1", "1.255", "1e9", "NaN", "Infinity", "2027-02-30", "9999-12-31", "0001-01-01",
                     "aapc", "aapc:CPMA", "ahima:RHIT", "CPC", "RHIT", "coder", "new", "13", "-400", "\x00", "<script>"]),
)
NAMES = (
    "code", "earned_on", "renewal_month", "cycle_end", "first_cycle_ceus", "completed_on", "title", "provider",
    "reference", "ceus", "counts_toward", "next_cycle", "submitted_on", "experience_months", "course_done_on",
    "practicode_done_on", "rung", "coding_started_on", "specialties", "starts_on", "ends_on", "plan", "done",
    "send_hour", "digest_weekday", "paused", "kind:ceu_cycle", "offsets:ceu_cycle", "offsets:milestone_due",
)
fields = st.fixed_dictionaries({}, optional={name: junk for name in NAMES})
TARGETS = [
    "/credentials/new", "/credentials/ceus/new", "/credentials/aapc/setup", "/credentials/ahima/setup",
    "/credentials/aapc/cycles/2027-05-31/submitted", "/credentials/aapc/cycles/not-a-date/submitted",
    "/credentials/{credential}/edit", "/credentials/{credential}/apprentice", "/credentials/ceus/{ceu}/edit",
    "/ladder/profile", "/ladder/gaps", "/ladder/focus", "/ladder/plan", "/reminders/preferences",
]


@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=fields, target=st.sampled_from(TARGETS))
def test_career_forms_never_fail_with_a_server_error(app, browser, data, target):
    if browser.client.get("/settings/").status_code != 200:
        signed_in(browser)
        browser.post("/credentials/new", {"code": "CPC-A", "earned_on": "2024-01-10", "renewal_month": "5"})
        browser.post("/credentials/ceus/new", {"completed_on": "2025-01-10", "title": "Webinar", "ceus": "1", "counts_toward": "aapc"})
    with app.app_context():
        credential = db.session.execute(select(Credential.id)).scalars().first()
        ceu = db.session.execute(select(CeuActivity.id)).scalars().first()
    url = target.format(credential=credential, ceu=ceu)
    response = browser.post(url, data)
    assert response.status_code < 500, (url, data, response.status_code)
