"""Bad input never causes a server error, anywhere: huge ids in URLs, Infinity and NaN, dates at the
ends of the calendar, NUL and control characters, in forms, the API and import alike. Each is
refused with a message (4xx) and nothing of it is stored."""
from __future__ import annotations

from sqlalchemy import String, Text, select

from tracker.extensions import db

from support import Browser, register
from test_every_route_as_a_stranger import API_BODIES, FORM, PUBLIC, owner_objects

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
    register(owner, email="owner@example.com")
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
