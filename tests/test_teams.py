"""Teams: every route as owner, manager, member and stranger; consent field by field; invitations
that work once, expire and are bound to one address; leaving stops sharing at once; the overview's
queries do not grow with the team."""
from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
from sqlalchemy import event, select

from tracker.extensions import db
from tracker.models import CeuActivity, TeamInvitation, TeamMembership, User
from tracker.services import api_tokens
from tracker.services import credentials as credential_service
from tracker.services import teams as team_service
from tracker.domain.teams import BASIC_FIELDS, Sharing

import builders
from support import Browser, outbox_messages

TODAY = dt.date(2026, 11, 23)  # the clock fixture's day
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.timezone.utc)


def _user(email: str) -> User:
    return db.session.execute(select(User).where(User.email == email)).scalar_one()


def _browser(app, user_id: int) -> Browser:
    return builders.sign_in(Browser(app.test_client()), user_id)


def _bearer(app, email: str) -> dict:
    with app.app_context():
        _token, secret = api_tokens.create_token(_user(email), "script")
    return {"Authorization": f"Bearer {secret}"}


def _ceu(user: User, on: dt.date, title: str, counts_toward: str = "aapc") -> None:
    credential_service.add_activity(user, credential_service.ActivityInput(
        completed_on=on, title=title, provider="AAPC", reference="", ceus="2", counts_toward=counts_toward,
    ), TODAY)


def _join(app, team_id: int, email: str, sharing: Sharing) -> int:
    """Invite ``email`` as the owner and accept as them (through the services); the membership id."""
    with app.app_context():
        owner = db.session.execute(
            select(User).join(TeamMembership, TeamMembership.user_id == User.id)
            .where(TeamMembership.team_id == team_id, TeamMembership.role == "owner")
        ).scalar_one()
        invitation, _token = team_service.invite(owner, team_id, email, NOW)
        return team_service.accept(_user(email), invitation.id, sharing, NOW).id


@pytest.fixture
def team(app, clock):
    """Team A: an owner, a manager, Ana (shares CEU details, plan and ladder), Ben (shares the
    basics only, his RHIT cycle ends soonest with everything still needed). Team B: its own owner
    and member. A stranger in no team."""
    ids = {}
    for name in ("owner", "manager", "ana", "ben", "other", "otherm", "stranger"):
        ids[name] = builders.make_user(app, f"{name}@example.com")
    builders.add_credential(app, ids["ana"], "CPC", dt.date(2024, 1, 10), TODAY, renewal_month=5)
    builders.add_credential(app, ids["ben"], "RHIT", dt.date(2024, 2, 10), TODAY, cycle_end=dt.date(2027, 1, 31))
    builders.make_plan(app, ids["ana"], today=TODAY)
    with app.app_context():
        _ceu(_user("ana@example.com"), dt.date(2026, 10, 1), "Ana's audit webinar")
        team_a = team_service.create_team(_user("owner@example.com"), "Outpatient coding").id
        team_b = team_service.create_team(_user("other@example.com"), "Cardiology").id
    ids["team_id"], ids["team_b"] = team_a, team_b
    ids["m_manager"] = _join(app, team_a, "manager@example.com", Sharing())
    with app.app_context():
        team_service.change_role(_user("owner@example.com"), team_a, ids["m_manager"], "manager")
    ids["m_ana"] = _join(app, team_a, "ana@example.com", Sharing(ceus=True, plans=True, ladder=True))
    ids["m_ben"] = _join(app, team_a, "ben@example.com", Sharing())
    ids["m_otherm"] = _join(app, team_b, "otherm@example.com", Sharing(ceus=True))
    with app.app_context():
        ids["activity_id"] = db.session.execute(select(CeuActivity.id)).scalar_one()
        invitation, _token = team_service.invite(_user("owner@example.com"), team_a, "later@example.com", NOW)
        ids["invitation_id"] = invitation.id
    return ids


# -- every route, every role ---------------------------------------------------------------------

MANAGER_ONLY = {"teams.export", "teams.summary", "teams.invite", "teams.member", "teams.certificate",
                "teams.remove", "teams.role", "api_teams.create_invitation", "api_teams.list_members"}
MEMBER_OK = {"teams.show", "teams.sharing", "teams.leave"}
NO_TEAM = {"teams.index", "teams.join", "teams.invitation", "teams.decline", "api_teams.list_teams", "api_teams.create_team"}


def _walk(app, team, who: str, team_key: str = "team_id") -> dict[tuple[str, str], int]:
    """Every team route and method as ``who``, on team A's objects: endpoint -> status."""
    browser = _browser(app, team[who])
    bearer = _bearer(app, f"{who}@example.com")
    values = {"team_id": team[team_key], "member_id": team["m_ben"], "activity_id": team["activity_id"]}
    answers = {}
    for rule in app.url_map.iter_rules():
        if not (rule.endpoint.startswith("teams.") or rule.endpoint.startswith("api_teams.")) or rule.endpoint in NO_TEAM:
            continue
        if rule.endpoint == "teams.certificate":
            values = {**values, "member_id": team["m_ana"]}
        url = rule.build({k: values[k] for k in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if rule.rule.startswith("/api/"):
                body = {"email": "new@example.com"} if method == "POST" else None
                answers[(rule.endpoint, method)] = browser.client.open(url, method=method, headers=bearer, json=body).status_code
            elif method == "GET":
                answers[(rule.endpoint, method)] = browser.get(url).status_code
    return answers


def test_a_stranger_gets_404_on_every_team_route(app, team):
    answers = _walk(app, team, "stranger")
    assert len(answers) >= 8
    assert set(answers.values()) == {404}, answers


def test_a_member_of_another_team_gets_404_on_every_route_of_this_one(app, team):
    answers = _walk(app, team, "otherm")
    assert set(answers.values()) == {404}, answers
    answers = _walk(app, team, "other")  # team B's owner
    assert set(answers.values()) == {404}, answers


def test_a_plain_member_gets_404_on_what_only_managers_see(app, team):
    answers = _walk(app, team, "ben")
    for (endpoint, method), status in answers.items():
        if endpoint in MANAGER_ONLY:
            assert status == 404, (endpoint, method, status)
    assert answers[("teams.show", "GET")] == 200


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_owner_and_manager_read_every_team_page(app, team, who):
    answers = _walk(app, team, who)
    for endpoint in ("teams.show", "teams.export", "teams.summary", "teams.member"):
        assert answers[(endpoint, "GET")] == 200, (who, endpoint)
    assert answers[("teams.certificate", "GET")] == 404  # Ana's CEU has no certificate file
    assert answers[("api_teams.list_members", "GET")] == 200


def test_every_post_of_a_team_is_404_to_a_stranger_and_changes_nothing(app, team):
    stranger = _browser(app, team["stranger"])
    with app.app_context():
        before = sorted(map(tuple, db.session.execute(select(TeamMembership.__table__)).all()))
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("teams.") and "POST" in rule.methods and "team_id" in rule.arguments:
            url = rule.build({"team_id": team["team_id"], "member_id": team["m_ben"]})[1]
            assert stranger.post(url, {"role": "manager", "share_ceus": "y"}).status_code == 404, url
    for url in (f"/teams/invitations/{team['invitation_id']}", f"/teams/invitations/{team['invitation_id']}/decline"):
        assert stranger.post(url, {}).status_code == 404
    with app.app_context():
        assert sorted(map(tuple, db.session.execute(select(TeamMembership.__table__)).all())) == before


# -- what each member shares, field by field -------------------------------------------------------

def _expected(app, email: str) -> list[dict]:
    """What the member's own credentials page computes, in the API's words."""
    with app.app_context():
        user = _user(email)
        found = []
        for overview in credential_service.renewal_overview(user, TODAY):
            standing = overview.attention
            for credential in overview.credentials:
                found.append({"code": credential.code, "cycle_end": standing.tally.cycle.end.isoformat(),
                              "required": float(standing.tally.required), "earned": float(standing.tally.earned),
                              "needed": float(standing.tally.needed), "status": standing.status})
        return found


@pytest.mark.parametrize("who", ["owner", "manager"])
def test_the_api_shows_exactly_the_basic_fields_the_coder_sees(app, team, who):
    members = app.test_client().get(f"/api/v1/teams/{team['team_id']}/members", headers=_bearer(app, f"{who}@example.com")).json
    by_email = {m["email"]: m for m in members}
    assert set(by_email) == {"owner@example.com", "manager@example.com", "ana@example.com", "ben@example.com"}
    for email in ("ana@example.com", "ben@example.com"):
        member = by_email[email]
        assert set(member) == {"id", "email", "role", "credentials"}
        for line in member["credentials"]:
            assert set(line) == set(BASIC_FIELDS)
        assert member["credentials"] == _expected(app, email)
    assert by_email["ana@example.com"]["credentials"][0]["earned"] == 2.0
    # Riskiest first: Ben's cycle ends soonest with everything still needed.
    assert members[0]["email"] == "ben@example.com"
    assert members[0]["credentials"][0]["status"] == "at_risk"


def test_the_pages_show_ceu_details_only_of_those_who_share_them(app, team):
    manager = _browser(app, team["manager"])
    page = manager.get(f"/teams/{team['team_id']}").text
    assert page.index("ben@example.com") < page.index("ana@example.com")  # the at-risk member first
    assert "Not shared" in page and "Oct 1, 2026" in page  # Ben's last CEU hidden, Ana's shown
    ana = manager.get(f"/teams/{team['team_id']}/members/{team['m_ana']}").text
    assert "Ana&#39;s audit webinar" in ana or "Ana's audit webinar" in ana
    assert "CPC Certification Path" in ana or "steps done" in ana
    ben = manager.get(f"/teams/{team['team_id']}/members/{team['m_ben']}").text
    assert "Not shared." in ben and "webinar" not in ben and "steps done" not in ben
    # Ana turns CEU details off: gone from the very next page.
    ana_browser = _browser(app, team["ana"])
    assert ana_browser.post(f"/teams/{team['team_id']}/sharing", {}).status_code == 302
    ana = manager.get(f"/teams/{team['team_id']}/members/{team['m_ana']}").text
    assert "webinar" not in ana and "steps done" not in ana
    assert "Oct 1, 2026" not in manager.get(f"/teams/{team['team_id']}").text


def test_a_cached_overview_follows_every_change_of_a_members_data(app, team, clock):
    manager = _browser(app, team["manager"])
    url = f"/teams/{team['team_id']}"
    assert "Oct 1, 2026" in manager.get(url).text
    with app.app_context():
        _ceu(_user("ana@example.com"), dt.date(2026, 11, 20), "Another webinar")
    page = manager.get(url).text
    assert "Nov 20, 2026" in page and "Oct 1, 2026" not in page
    with app.app_context():  # Ben earns all his RHIT CEUs: no longer at risk, no longer first
        credential_service.add_activity(_user("ben@example.com"), credential_service.ActivityInput(
            completed_on=dt.date(2026, 11, 1), title="Conference", provider="AHIMA", reference="", ceus="20",
            counts_toward="ahima:RHIT"), TODAY)
    page = manager.get(url).text
    assert page.index("ana@example.com") < page.index("ben@example.com")
    # A member's day turns over at their midnight: the cached page is at most a quarter hour old.
    def table() -> str:
        return manager.get(url).text.split("<table")[1].split("</table>")[0]

    cached = table()
    clock.move_to(NOW + dt.timedelta(minutes=15))
    assert table() == cached  # recomputed, the same


def test_the_csv_holds_exactly_what_is_shared_with_a_bom(app, team):
    manager = _browser(app, team["owner"])
    response = manager.get(f"/teams/{team['team_id']}/export.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "email,role,code,cycle_end,required,earned,needed,status,last_ceu_on"
    ben = [line for line in lines if line.startswith("ben@")]
    ana = [line for line in lines if line.startswith("ana@")]
    assert ben == ["ben@example.com,member,RHIT,2027-01-31,20,0,20,at_risk,"]
    assert ana[0].endswith(",2026-10-01") and "webinar" not in text


def test_filters_by_credential_status_and_quiet_members(app, team):
    manager = _browser(app, team["owner"])
    base = f"/teams/{team['team_id']}"
    page = manager.get(f"{base}?credential=RHIT").text
    assert 'data-member="ben@example.com"' in page and 'data-member="ana@example.com"' not in page
    page = manager.get(f"{base}?status=at_risk").text
    assert 'data-member="ben@example.com"' in page
    page = manager.get(f"{base}?quiet=1").text  # Ana earned a CEU in October; Ben does not share
    assert 'data-member="ana@example.com"' not in page and 'data-member="ben@example.com"' not in page
    with app.app_context():
        team_service.update_sharing(_user("ben@example.com"), team["team_id"], Sharing(ceus=True))
    assert 'data-member="ben@example.com"' in manager.get(f"{base}?quiet=1").text
    summary = manager.get(f"{base}/summary?credential=RHIT").text
    assert "ben@example.com" in summary and "ana@example.com" not in summary


# -- leaving and removal ---------------------------------------------------------------------------

def test_a_member_who_leaves_disappears_at_once(app, team):
    manager = _browser(app, team["manager"])
    bearer = _bearer(app, "manager@example.com")
    url = f"/teams/{team['team_id']}"
    assert "ana@example.com" in manager.get(url).text
    ana = _browser(app, team["ana"])
    assert ana.post(f"{url}/leave", {}).status_code == 302
    assert "ana@example.com" not in manager.get(url).text
    assert "ana@example.com" not in manager.get(f"{url}/export.csv").data.decode()
    members = app.test_client().get(f"/api/v1{url}/members", headers=bearer).json
    assert "ana@example.com" not in {m["email"] for m in members}
    assert manager.get(f"{url}/members/{team['m_ana']}").status_code == 404
    assert ana.get(url).status_code == 404


def test_removal_through_the_api_and_who_may_remove_whom(app, team):
    url = f"/api/v1/teams/{team['team_id']}/members"
    client = app.test_client()
    manager, owner = _bearer(app, "manager@example.com"), _bearer(app, "owner@example.com")
    with app.app_context():
        owner_membership = db.session.execute(select(TeamMembership.id).where(TeamMembership.user_id == team["owner"])).scalar_one()
    assert client.delete(f"{url}/{owner_membership}", headers=manager).status_code == 404  # nobody removes the owner
    assert client.delete(f"{url}/{team['m_ben']}", headers=manager).status_code == 204
    assert "ben@example.com" not in {m["email"] for m in client.get(url, headers=owner).json}
    assert client.delete(f"{url}/{team['m_manager']}", headers=manager).status_code == 204  # leaving
    assert client.get(url, headers=manager).status_code == 404
    assert client.delete(f"{url}/{owner_membership}", headers=owner).status_code == 422  # the owner cannot leave


# -- invitations -----------------------------------------------------------------------------------

def _invite(app, team, email: str) -> str:
    """Invite over the API as the owner; the emailed link's path."""
    answer = app.test_client().post(f"/api/v1/teams/{team['team_id']}/invitations", json={"email": email},
                                    headers=_bearer(app, "owner@example.com"))
    assert answer.status_code == 201
    assert set(answer.json) == {"id", "expires_at"}
    mine = [m for m in outbox_messages(app) if str(m["To"]) == email]
    body = mine[-1].get_body(("plain",)).get_content()
    return re.search(r"https?://[^/\s]+(/teams/join/\S+)", body).group(1)


def test_an_invitation_link_works_once_for_its_address_only(app, team):
    link = _invite(app, team, "newbie@example.com")
    token = link.rsplit("/", 1)[1]
    with app.app_context():
        stored = db.session.execute(select(TeamInvitation).where(TeamInvitation.email == "newbie@example.com")).scalar_one()
        assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in str(sorted(map(tuple, db.session.execute(select(TeamInvitation.__table__)).all())))
    # Signed out: it asks to sign in or create an account with the invited address.
    assert "newbie@example.com" in Browser(app.test_client()).get(link).text
    # Another address, even signed in, cannot use it.
    stranger = _browser(app, team["stranger"])
    assert stranger.get(link).status_code == 404
    assert stranger.post(f"/teams/invitations/{stored.id}", {"share_ceus": "y"}).status_code == 404
    # The invitee signs up after opening the link (the detour), finds it waiting, and accepts.
    newbie = _browser(app, builders.make_user(app, "newbie@example.com"))
    assert f"/teams/invitations/{stored.id}" in newbie.get("/teams/").text
    assert newbie.get(link).status_code == 302
    assert newbie.post(f"/teams/invitations/{stored.id}", {}).status_code == 302
    with app.app_context():
        assert db.session.execute(select(TeamMembership).where(TeamMembership.team_id == team["team_id"],
                                  TeamMembership.user_id == _user("newbie@example.com").id)).scalar_one().share_ceus is False
    # Once: the link and the invitation are used up.
    assert newbie.get(link).status_code == 404
    assert newbie.post(f"/teams/invitations/{stored.id}", {}).status_code == 404


def test_an_invitation_link_expires(app, team, clock):
    link = _invite(app, team, "late@example.com")
    late = _browser(app, builders.make_user(app, "late@example.com"))
    assert late.get(link).status_code == 302
    clock.move_to(NOW + dt.timedelta(days=7, seconds=1))
    assert late.get(link).status_code == 404
    assert "late@example.com" not in late.get("/teams/").text or "See the invitation" not in late.get("/teams/").text


def test_inviting_refuses_bad_addresses_and_members(app, team):
    owner = _bearer(app, "owner@example.com")
    url = f"/api/v1/teams/{team['team_id']}/invitations"
    assert app.test_client().post(url, json={"email": "not an address"}, headers=owner).status_code == 422
    assert app.test_client().post(url, json={"email": "ana@example.com"}, headers=owner).status_code == 422
    browser = _browser(app, team["owner"])
    answer = browser.post(f"/teams/{team['team_id']}/invitations", {"email": "nope"})
    assert answer.status_code == 422 and "valid email" in answer.text


def test_creating_a_team_over_the_api_and_the_page(app, team):
    owner = _bearer(app, "stranger@example.com")
    answer = app.test_client().post("/api/v1/teams", json={"name": "Inpatient"}, headers=owner)
    assert answer.status_code == 201 and answer.json["role"] == "owner"
    assert app.test_client().post("/api/v1/teams", json={"name": ""}, headers=owner).status_code == 422
    browser = _browser(app, team["stranger"])
    assert browser.post("/teams/", {"name": "x" * 81}).status_code == 422
    assert browser.post("/teams/", {"name": "Coders"}).status_code == 302


# -- scale -----------------------------------------------------------------------------------------

def _queries(app, browser: Browser, path: str, **kwargs) -> int:
    with app.app_context():
        engine = db.engine
    seen = []

    def count(*_args) -> None:
        seen.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert browser.get(path, **kwargs).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_overview_costs_the_same_queries_at_5_and_50_members(app, clock):
    counts = {}
    for size in (5, 50):
        owner_id = builders.make_user(app, f"boss{size}@example.com")
        with app.app_context():
            team_id = team_service.create_team(db.session.get(User, owner_id), f"Team {size}").id
        for n in range(size):
            email = f"c{size}-{n}@example.com"
            user_id = builders.make_user(app, email)
            builders.add_credential(app, user_id, "CPC", dt.date(2024, 1, 10), TODAY, renewal_month=1 + n % 12)
            with app.app_context():
                _ceu(db.session.get(User, user_id), dt.date(2026, 9, 1), "Webinar")
            _join(app, team_id, email, Sharing(ceus=n % 2 == 0))
        browser = _browser(app, owner_id)
        browser.get(f"/teams/{team_id}")  # warm: the catalogue and the session
        app.extensions.pop("rungs.page_cache", None)  # computed from the data...
        cold = _queries(app, browser, f"/teams/{team_id}")
        warm = _queries(app, browser, f"/teams/{team_id}")  # ...and cached
        counts[size] = (cold, warm, _queries(app, browser, f"/teams/{team_id}/export.csv"),
                        _queries(app, browser, f"/api/v1/teams/{team_id}/members", headers=_bearer(app, f"boss{size}@example.com")))
        if size == 50:  # 51 members with the owner: 50 a page, riskiest first
            assert browser.get(f"/teams/{team_id}").text.count('class="team-row') == 50
            assert browser.get(f"/teams/{team_id}?page=2").text.count('class="team-row') == 1
    assert counts[5] == counts[50], counts
    assert counts[5][1] < counts[5][0], counts
