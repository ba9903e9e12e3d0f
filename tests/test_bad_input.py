"""Bad input never causes a server error, anywhere: huge ids in URLs, Infinity and NaN, dates at the
ends of the calendar, NUL and control characters, in forms, the API and import alike. Each is
refused with a message (4xx) and nothing of it is stored."""
from __future__ import annotations

import pytest
from sqlalchemy import String, Text, select

from tracker.extensions import db

from builders import signed_in
from support import Browser
from test_every_route_as_a_stranger import API_BODIES, FORM, PUBLIC, owner_objects
from test_portability import empty, rich_export, rich_file  # noqa: F401 (fixtures)

HUGE_IDS = [2**31, 2**63, 2**64, 10**30]
DATE_FIELDS = {"on", "taken_on", "start_date", "earned_on", "completed_on", "submitted_on"}
NUMBER_FIELDS = {"amount", "ceus", "experience_months", "renewal_month", "after"}
EDGES = {
    "date": ["9999-12-31", "0001-01-01"],
    "number": ["Infinity", "NaN", "1e400", "99999999999999999999"],
    "text": ["x\x00y", "bell\x07"],
}


def edges_for(field: str) -> list[str]:
    kind = "date" if field in DATE_FIELDS else "number" if field in NUMBER_FIELDS else None
    return EDGES["text"] + (EDGES[kind] if kind else [])
API_EDGES = [float("inf"), float("nan"), "Infinity", "NaN", "9999-12-31", "0001-01-01", 2**64, 10**30,
             "x\x00y", "bell\x07", 1e308]


def stored_control_characters(app) -> list:
    """Text cells holding NUL or another control character (tab, CR, LF aside)."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.c if isinstance(c.type, (String, Text))]
            for row in db.session.execute(select(*columns)).all() if columns else []:
                for value in row:
                    if isinstance(value, str) and any(ord(ch) < 32 and ch not in "\t\r\n" for ch in value):
                        found.append((table.name, value))
    return found


def signed_in_owner(app):
    owner = Browser(app.test_client())
    signed_in(owner, email="owner@example.com")
    return owner, owner_objects(app, owner)


def test_huge_ids_in_urls_answer_404(app, clock):
    owner, ids = signed_in_owner(app)
    from tracker.services import api_tokens
    from tracker.services.accounts import find_user_by_email

    with app.app_context():
        secret = api_tokens.create_token(find_user_by_email("owner@example.com"), "probe")[1]
    bearer = {"Authorization": f"Bearer {secret}"}
    problems = []
    for rule in app.url_map.iter_rules():
        ints = [name for name in rule.arguments if rule._converters[name].__class__.__name__ == "IntegerConverter"
                or "Integer" in type(rule._converters[name]).__name__]
        if not ints or rule.endpoint in PUBLIC:
            continue
        for huge in HUGE_IDS:
            for name in ints:
                values = {n: (huge if n == name else ids[n]) for n in rule.arguments}
                url = rule.build(values)[1]
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    if rule.rule.startswith("/api/"):
                        response = owner.client.open(url, method=method, headers=bearer, json=API_BODIES.get(rule.endpoint))
                    else:
                        response = owner.get(url) if method == "GET" else owner.post(url, FORM)
                    if response.status_code != 404:
                        problems.append((method, url, response.status_code))
    assert not problems, problems


@pytest.mark.slow
def test_edge_values_in_every_form_field_are_refused_never_a_500(app, clock):
    owner, ids = signed_in_owner(app)
    problems = []
    # Routes that delete come last, so every other route still finds its objects.
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (any(w in r.endpoint for w in ("delete", "remove", "revoke")), r.rule))
    for rule in rules:
        if "POST" not in rule.methods or rule.rule.startswith("/api/") or rule.endpoint in PUBLIC:
            continue
        if rule.endpoint in ("auth.logout", "settings.delete_account", "settings.password", "settings.change_email"):
            continue
        url = rule.build({name: ids[name] for name in rule.arguments})[1]
        for field in FORM:
            for edge in edges_for(field):
                try:
                    response = owner.post(url, {**FORM, field: edge})
                except Exception as error:  # the test client raises what would have been a 500
                    problems.append((url, field, edge, repr(error)[:120]))
                    continue
                if response.status_code >= 500:
                    problems.append((url, field, edge, response.status_code))
    assert not problems, problems
    assert stored_control_characters(app) == []
    assert owner.get("/settings/").status_code == 200  # the walk ran signed in throughout


# -- import: the same limits --------------------------------------------------------------------

IMPORT_CASES = {
    "NUL in a title": (["plans", 0, "title"], "Plan\x00", "plans[0].title"),
    "escape in notes": (["plans", 0, "milestones", 0, "notes"], "ok\x1b[31m", "plans[0].milestones[0].notes"),
    "year 9999 start": (["plans", 0, "start_date"], "9999-12-31", "plans[0].start_date"),
    "year 1 start": (["plans", 0, "start_date"], "0001-01-01", "plans[0].start_date"),
    "year 9999 earned": (["credentials", 0, "earned_on"], "9999-12-31", "credentials[0].earned_on"),
    "Infinity CEUs": (["ceu_activities", 0, "ceus"], "Infinity", "ceu_activities[0].ceus"),
    "NaN CEUs": (["ceu_activities", 0, "ceus"], "NaN", "ceu_activities[0].ceus"),
}


@pytest.mark.parametrize("case", sorted(IMPORT_CASES))
def test_import_refuses_what_forms_and_the_api_refuse(app, rich_file, empty, case):  # noqa: F811 (fixtures)
    from test_portability import TODAY, mutate, row_counts, set_in, user

    from tracker.services import portability
    from tracker.services.errors import Invalid

    document, archive = rich_file
    path, value, field = IMPORT_CASES[case]
    with app.app_context():
        before = row_counts()
        with pytest.raises(Invalid) as caught:
            portability.import_account(user("fresh@example.com"), mutate(document, set_in(path, value)), archive, TODAY)
        assert caught.value.field == field and caught.value.message, (caught.value.field, caught.value.message)
        assert row_counts() == before
    assert stored_control_characters(app) == []


# -- API: the same limits ---------------------------------------------------------------------------

API_CASES = [
    ("POST", "/api/v1/plans", {"template": "cpc", "start_date": "9999-12-31", "pace": "full_time"}),
    ("POST", "/api/v1/plans", {"template": "cpc", "start_date": "0001-01-01", "pace": "full_time"}),
    ("POST", "/api/v1/plans", {"template": "cpc", "start_date": "2027-01-04", "pace": "full_time", "title": "x\x00"}),
    ("PATCH", "/api/v1/plans/{plan_id}", {"title": "bell\x07"}),
    ("PATCH", "/api/v1/plans/{plan_id}/milestones/{milestone_id}", {"notes": "a\x00b"}),
    ("PATCH", "/api/v1/plans/{plan_id}/milestones/{milestone_id}", {"duration_amount": 2**64}),
    ("POST", "/api/v1/ceus", {"completed_on": "2026-01-10", "title": "W", "ceus": float("inf"), "credential_id": "{credential_id}"}),
    ("POST", "/api/v1/ceus", {"completed_on": "2026-01-10", "title": "W", "ceus": 1, "credential_id": 2**64}),
    ("POST", "/api/v1/ceus", {"completed_on": "9999-12-31", "title": "W", "ceus": 1, "credential_id": "{credential_id}"}),
    ("POST", "/api/v1/credentials", {"code": "CRC", "earned_on": "9999-12-31", "renewal_month": 5}),
    ("POST", "/api/v1/credentials", {"code": "CRC", "earned_on": "2024-01-01", "renewal_month": 2**64}),
    ("PATCH", "/api/v1/me", {"time_zone": "UTC\x00"}),
    ("PATCH", "/api/v1/me", {"reminder_preferences": {"offsets": {"milestone_due": [2**64]}}}),
    ("PATCH", "/api/v1/me", {"coding_started_on": "0001-01-01"}),
]


def test_the_api_refuses_edge_values_with_422_never_a_500(app, clock):
    import json

    owner, ids = signed_in_owner(app)
    from tracker.services import api_tokens
    from tracker.services.accounts import find_user_by_email

    with app.app_context():
        secret = api_tokens.create_token(find_user_by_email("owner@example.com"), "probe")[1]
    client = app.test_client()
    problems = []
    for method, path, body in API_CASES:
        text = json.dumps(body, allow_nan=True)
        for name, value in ids.items():
            text = text.replace(f'"{{{name}}}"', str(value)).replace(f"{{{name}}}", str(value))
        url = path.format(**ids)
        response = client.open(url, method=method, data=text, content_type="application/json",
                               headers={"Authorization": f"Bearer {secret}"})
        if response.status_code not in (400, 422):
            problems.append((method, url, body, response.status_code))
    assert not problems, problems
    assert stored_control_characters(app) == []


def test_focus_area_evidence_with_a_nul_is_refused_and_not_stored(app, user_browser):
    from test_ladder import place

    place(user_browser)
    area = "Advanced guidelines across specialties"
    response = user_browser.post("/ladder/focus", {"done": [area], f"evidence:{area}": "done\x00"}, follow_redirects=True)
    assert "Control characters (like NUL) are not allowed." in response.text
    assert stored_control_characters(app) == []


# -- uploads sent at once ---------------------------------------------------------------------------

def test_certificates_uploaded_at_once_never_exceed_the_quota(app, user_browser, monkeypatch):
    """Four uploads at the same moment with room for one: one is stored, three are refused (the
    quota is checked while the account's row is held, so none counts against a stale total)."""
    import datetime as dt
    import io
    import threading
    import time
    from pathlib import Path

    from sqlalchemy import func

    from tracker.models import CeuActivity, User
    from tracker.services import certificates
    from tracker.services import credentials as service
    from tracker.services.errors import Invalid

    assert user_browser.post("/credentials/new", {"code": "CPC-A", "earned_on": "2024-01-10", "renewal_month": "5"}).status_code == 302
    size = 50_000
    app.config["CERTIFICATE_QUOTA_BYTES"] = size + size // 2
    slow_write = certificates.write_certificate

    def write_slowly(*args, **kwargs):  # a slow disk widens the window between check and commit
        path = slow_write(*args, **kwargs)
        time.sleep(0.3)
        return path

    monkeypatch.setattr(certificates, "write_certificate", write_slowly)
    start, outcomes = threading.Barrier(4), []

    def upload(n: int) -> None:
        with app.app_context():
            user = db.session.execute(select(User)).scalar_one()
            data = b"%PDF-1.4\n" + bytes([n]) * (size - 9)
            start.wait()
            try:
                service.add_activity(user, service.ActivityInput(dt.date(2026, 1, 10), f"Webinar {n}", "", "", "1", "aapc"),
                                     dt.date(2026, 11, 23), (f"c{n}.pdf", io.BytesIO(data)))
                outcomes.append("stored")
            except Invalid as error:
                outcomes.append(error.field)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["certificate", "certificate", "certificate", "stored"], outcomes
    with app.app_context():
        total = db.session.execute(select(func.coalesce(func.sum(CeuActivity.certificate_size), 0))).scalar_one()
    assert total <= app.config["CERTIFICATE_QUOTA_BYTES"]
    stored = [p for p in Path(app.config["CERTIFICATE_DIR"]).rglob("*.pdf")]
    assert len(stored) == 1  # refused uploads leave no file behind
