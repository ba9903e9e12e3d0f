"""The JSON API (/api/v1): bearer tokens, the same rules as the pages, JSON errors, all or nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import ApiToken, CeuActivity, Credential, Milestone, Plan, User
from tracker.services import api_tokens
from tracker.services.accounts import find_user_by_email

from builders import signed_in
from support import Browser, register, text_of

API = "/api/v1"


def token_for(app, email: str = "coder@example.com") -> str:
    with app.app_context():
        _token, secret = api_tokens.create_token(find_user_by_email(email), "tests")
        return secret


class Client:
    """A script holding a token: JSON in, JSON out."""

    def __init__(self, client, secret: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {secret}"}

    def __getattr__(self, method):
        def call(path, json=None, **kwargs):
            return getattr(self.client, method)(f"{API}{path}", json=json, headers=self.headers, **kwargs)
        return call


@pytest.fixture
def api(app, user_browser):
    return Client(app.test_client(), token_for(app))


@pytest.fixture
def stranger(app, clock):
    other = Browser(app.test_client())
    assert register(other, email="stranger@example.com").status_code == 302
    return Client(app.test_client(), token_for(app, "stranger@example.com"))


def new_plan(api, **fields) -> dict:
    response = api.post("/plans", {"template": "cpc", "start_date": "2027-01-04", "pace": "full_time", **fields})
    assert response.status_code == 201, response.json
    return response.json


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# -- authentication -------------------------------------------------------------------------------

def test_no_token_answers_401_json_with_a_bearer_challenge(app, clock):
    response = app.test_client().get(f"{API}/plans")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["code"] == 401 and "token" in response.json["message"]


def test_a_signed_in_browser_session_does_not_authenticate_the_api(user_browser):
    assert user_browser.get("/settings/").status_code == 200
    response = user_browser.get(f"{API}/plans")
    assert response.status_code == 401 and response.is_json


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer ", "Basic Zm9vOmJhcg==", "Bearer rungs_pat_" + "x" * 43])
def test_a_wrong_token_answers_401(app, user_browser, header):
    response = app.test_client().get(f"{API}/me", headers={"Authorization": header})
    assert response.status_code == 401 and response.is_json


def test_tokens_are_stored_as_hashes_and_revoking_one_stops_it_at_once(app, api):
    assert api.get("/me").status_code == 200
    secret = api.headers["Authorization"].split()[1]
    with app.app_context():
        row = db.session.execute(select(ApiToken)).scalar_one()
        assert secret not in (row.token_hash, row.prefix) and row.prefix == secret[: len(row.prefix)]
        assert row.last_used_at is not None
        api_tokens.revoke_token(db.session.get(User, row.user_id), row.id)
    assert api.get("/me").status_code == 401


def test_the_cli_token_lists_the_plan_over_http(app, user_browser):
    create = Client(app.test_client(), token_for(app))
    plan = new_plan(create)
    result = app.test_cli_runner().invoke(args=["tokens", "create", "coder@example.com", "--name", "curl"])
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("rungs_pat_")
    response = app.test_client().get(f"{API}/plans", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert [p["id"] for p in response.json] == [plan["id"]]
    assert [m["title"] for m in response.json[0]["milestones"]] == [m["title"] for m in plan["milestones"]]

    listed = app.test_cli_runner().invoke(args=["tokens", "list", "coder@example.com"])
    assert "curl" in listed.output and secret not in listed.output
    token_id = listed.output.split("\n")[0].split()[0]
    revoked = app.test_cli_runner().invoke(args=["tokens", "revoke", "coder@example.com", token_id])
    assert revoked.exit_code == 0
    again = app.test_cli_runner().invoke(args=["tokens", "revoke", "coder@example.com", token_id])
    assert again.exit_code != 0 and "no working token" in again.output


def test_the_cli_refuses_an_unknown_email_with_one_line(app, clock):
    result = app.test_cli_runner().invoke(args=["tokens", "create", "nobody@example.com"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == ["Error: no user with the email 'nobody@example.com'"]


# -- templates and plans ----------------------------------------------------------------------------

def test_templates_list_id_title_and_steps(api):
    templates = {t["id"]: t for t in api.get("/templates").json}
    assert "cpc" in templates
    cpc = templates["cpc"]
    assert cpc["title"] and len(cpc["steps"]) == 6
    assert {"key", "title", "full_time", "part_time"} <= set(cpc["steps"][0])


def test_a_plan_is_created_with_its_milestones_in_order_and_dated(api):
    plan = new_plan(api)
    assert plan["template"] == "cpc" and plan["active"] is True and plan["start_date"] == "2027-01-04"
    milestones = plan["milestones"]
    assert [m["position"] for m in milestones] == [1, 2, 3, 4, 5, 6]
    first = milestones[0]
    assert {"id", "position", "title", "target_start", "target_due", "projected_due", "status", "started_on", "completed_on"} <= set(first)
    assert first["target_start"] == "2027-01-04" and first["status"] == "not_started"
    for earlier, later in zip(milestones, milestones[1:]):
        assert earlier["target_due"] == later["target_start"]


def test_finishing_a_step_21_days_late_moves_the_later_steps(api):
    plan = new_plan(api)
    second = plan["milestones"][1]
    late = dt.date.fromisoformat(second["target_due"]) + dt.timedelta(days=21)
    response = api.patch(f"/plans/{plan['id']}/milestones/{second['id']}", {"status": "done", "completed_on": late.isoformat()})
    assert response.status_code == 200, response.json
    assert response.json["status"] == "done" and response.json["days_late"] == 21

    after = api.get(f"/plans/{plan['id']}").json
    assert after["days_behind"] == 21
    for before, now in zip(plan["milestones"][2:], after["milestones"][2:]):
        moved = dt.date.fromisoformat(now["projected_due"]) - dt.date.fromisoformat(before["projected_due"])
        assert moved == dt.timedelta(days=21)
        assert now["target_due"] == before["target_due"]


def test_a_patch_that_fails_half_way_changes_nothing(app, api):
    plan = new_plan(api)
    step = plan["milestones"][0]
    url = f"/plans/{plan['id']}/milestones/{step['id']}"
    response = api.patch(url, {"status": "done", "completed_on": "2027-02-01", "duration_amount": 5000, "duration_unit": "days"})
    assert response.status_code == 422
    assert "duration_amount" in response.json["errors"]["json"]
    again = api.get(url).json
    assert again["status"] == "not_started" and again["completed_on"] is None and again["duration"] == step["duration"]


def test_progress_states_and_their_dates(api):
    plan = new_plan(api)
    url = f"/plans/{plan['id']}/milestones/{plan['milestones'][0]['id']}"
    started = api.patch(url, {"status": "in_progress", "started_on": "2027-01-05"}).json
    assert started["status"] == "in_progress" and started["started_on"] == "2027-01-05"
    done = api.patch(url, {"status": "done", "completed_on": "2027-01-20"}).json
    assert done["started_on"] == "2027-01-05" and done["completed_on"] == "2027-01-20"
    bad = api.patch(url, {"status": "done", "completed_on": "2027-01-01"})
    assert bad.status_code == 422 and "completed_on" in bad.json["errors"]["json"]
    assert api.patch(url, {"status": "not_started"}).json["started_on"] is None
    assert api.patch(url, {"completed_on": "2027-01-20"}).status_code == 422  # dates need a status


def test_custom_milestones_are_added_and_deleted_pathway_steps_are_not(api):
    plan = new_plan(api)
    added = api.post(f"/plans/{plan['id']}/milestones", {"title": "Mock exam", "duration_amount": 2, "duration_unit": "weeks", "after_position": 2})
    assert added.status_code == 201 and added.json["position"] == 3 and added.json["step_key"] is None
    assert len(api.get(f"/plans/{plan['id']}/milestones").json) == 7
    step = plan["milestones"][0]
    refused = api.delete(f"/plans/{plan['id']}/milestones/{step['id']}")
    assert refused.status_code == 422 and refused.json["errors"]["json"]
    assert api.delete(f"/plans/{plan['id']}/milestones/{added.json['id']}").status_code == 204
    assert [m["position"] for m in api.get(f"/plans/{plan['id']}/milestones").json] == [1, 2, 3, 4, 5, 6]


def test_plans_are_renamed_rescheduled_activated_and_deleted(app, api):
    first = new_plan(api)
    second = new_plan(api, template="cca", pace="part_time")
    assert api.get(f"/plans/{first['id']}").json["active"] is False
    changed = api.patch(f"/plans/{first['id']}", {"title": "My CPC", "start_date": "2027-02-01", "active": True})
    assert changed.status_code == 200
    assert changed.json["title"] == "My CPC" and changed.json["active"] is True
    assert changed.json["milestones"][0]["target_start"] == "2027-02-01"
    assert api.delete(f"/plans/{second['id']}").status_code == 204
    assert api.get(f"/plans/{second['id']}").status_code == 404
    assert count(app, Milestone) == 6


def test_validation_errors_name_each_bad_field_and_write_nothing(app, api):
    response = api.post("/plans", {"template": "cpc", "start_date": "2027-13-40", "pace": "sometimes", "colour": "red"})
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"start_date", "pace", "colour"}
    unknown = api.post("/plans", {"template": "nope", "start_date": "2027-01-04", "pace": "full_time"})
    assert unknown.status_code == 422 and "template" in unknown.json["errors"]["json"]
    far = api.post("/plans", {"template": "cpc", "start_date": "2099-01-04", "pace": "full_time"})
    assert far.status_code == 422 and "start_date" in far.json["errors"]["json"]
    control = api.post("/plans", {"template": "cpc", "start_date": "2027-01-04", "pace": "full_time", "title": "a\x00b"})
    assert control.status_code == 422 and "title" in control.json["errors"]["json"]
    assert count(app, Plan) == 0


def test_a_body_that_is_not_json_answers_400_json(api):
    response = api.client.post(f"{API}/plans", data="{not json", content_type="application/json", headers=api.headers)
    assert response.status_code == 400 and response.is_json and response.json["code"] == 400
    listed = api.post("/plans", ["cpc"])
    assert listed.status_code == 422 and listed.is_json


def test_other_users_objects_and_impossible_ids_answer_404(app, api, stranger):
    plan = new_plan(api)
    credential = api.post("/credentials", {"code": "CPC", "earned_on": "2020-06-15", "renewal_month": 5}).json
    ceu = api.post("/ceus", {"completed_on": "2026-01-10", "title": "Webinar", "provider": "AAPC", "ceus": 1, "credential_id": credential["id"]}).json
    step = plan["milestones"][0]
    for method, path, body in [
        ("get", f"/plans/{plan['id']}", None),
        ("patch", f"/plans/{plan['id']}", {"title": "Mine now"}),
        ("delete", f"/plans/{plan['id']}", None),
        ("get", f"/plans/{plan['id']}/milestones", None),
        ("post", f"/plans/{plan['id']}/milestones", {"title": "x", "duration_amount": 1, "duration_unit": "days"}),
        ("patch", f"/plans/{plan['id']}/milestones/{step['id']}", {"notes": "hi"}),
        ("delete", f"/plans/{plan['id']}/milestones/{step['id']}", None),
        ("get", f"/credentials/{credential['id']}", None),
        ("patch", f"/credentials/{credential['id']}", {"earned_on": "2020-01-01"}),
        ("delete", f"/credentials/{credential['id']}", None),
        ("get", f"/ceus/{ceu['id']}", None),
        ("patch", f"/ceus/{ceu['id']}", {"title": "Mine"}),
        ("delete", f"/ceus/{ceu['id']}", None),
        ("get", "/plans/99999999999999999999", None),
        ("get", f"/plans/{2**31}/milestones/1", None),
    ]:
        response = getattr(stranger, method)(path, body)
        assert response.status_code == 404, (method, path, response.status_code)
        assert response.is_json
    assert api.get(f"/plans/{plan['id']}").json["title"] == plan["title"]
    assert api.get(f"/ceus/{ceu['id']}").json["title"] == "Webinar"
    stolen = stranger.post("/ceus", {"completed_on": "2026-01-10", "title": "x", "ceus": 1, "credential_id": credential["id"]})
    assert stolen.status_code == 422 and "credential_id" in stolen.json["errors"]["json"]
    assert count(app, CeuActivity) == 1


# -- credentials and CEUs -------------------------------------------------------------------------

def test_cpc_and_crc_with_22_ceus_show_the_current_cycle(api):
    cpc = api.post("/credentials", {"code": "CPC", "earned_on": "2020-06-15", "renewal_month": 5})
    assert cpc.status_code == 201, cpc.json
    crc = api.post("/credentials", {"code": "CRC", "earned_on": "2022-03-01"})
    assert crc.status_code == 201, crc.json
    for i in range(22):
        response = api.post("/ceus", {
            "completed_on": f"2026-{1 + i % 10:02}-{1 + i:02}", "title": f"Session {i}", "provider": "AAPC",
            "ceus": 1, "credential_id": cpc.json["id"], "reference": f"IDX{i:03}",
        })
        assert response.status_code == 201, response.json
    cycle = api.get(f"/credentials/{cpc.json['id']}").json["current_cycle"]
    assert cycle["start"] == "2025-06-01" and cycle["end"] == "2027-05-31"
    assert (cycle["required"], cycle["earned"], cycle["needed"]) == (40, 22, 18)
    assert cycle["status"] and cycle["days_left"] == 189
    assert [c["code"] for c in api.get("/credentials").json] == ["CPC", "CRC"]


def test_an_ahima_credential_takes_its_cycle_end_and_ceus_count_for_it(api):
    rhit = api.post("/credentials", {"code": "RHIT", "earned_on": "2024-03-10", "cycle_end": "2027-12-31"})
    assert rhit.status_code == 201, rhit.json
    assert rhit.json["current_cycle"]["end"] == "2027-12-31"
    ceu = api.post("/ceus", {"completed_on": "2026-05-02", "title": "Coding clinic", "provider": "AHIMA", "ceus": "2.5", "credential_id": rhit.json["id"]})
    assert ceu.status_code == 201, ceu.json
    assert ceu.json["credential_id"] == rhit.json["id"] and ceu.json["ceus"] == 2.5 and ceu.json["body"] == "ahima"
    assert api.get(f"/credentials/{rhit.json['id']}").json["current_cycle"]["earned"] == 2.5


def test_patching_a_cpc_a_with_code_cpc_converts_the_same_credential(app, api):
    cpc_a = api.post("/credentials", {"code": "CPC-A", "earned_on": "2024-07-01", "renewal_month": 5}).json
    api.post("/ceus", {"completed_on": "2026-02-01", "title": "Webinar", "ceus": 3, "credential_id": cpc_a["id"]})
    response = api.patch(f"/credentials/{cpc_a['id']}", {"code": "CPC"})
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["id"], body["code"], body["converted_from"], body["converted_on"]) == (cpc_a["id"], "CPC", "CPC-A", "2026-11-23")
    assert (body["current_cycle"]["required"], body["current_cycle"]["earned"]) == (36, 3)
    assert count(app, Credential) == 1


def test_patching_a_code_the_credential_cannot_become_answers_422(api):
    cpc_a = api.post("/credentials", {"code": "CPC-A", "earned_on": "2024-07-01", "renewal_month": 5}).json
    response = api.patch(f"/credentials/{cpc_a['id']}", {"code": "CRC"})
    assert response.status_code == 422
    assert response.json["errors"]["json"]["code"] == ["CPC-A becomes CPC, not CRC."]
    cpc = api.post("/credentials", {"code": "CPC", "earned_on": "2024-07-01"}).json
    assert api.patch(f"/credentials/{cpc['id']}", {"code": "CPC-P"}).status_code == 422


def test_adding_rhia_over_rhit_reports_the_rhit_replaced(api):
    rhit = api.post("/credentials", {"code": "RHIT", "earned_on": "2022-03-10", "cycle_end": "2026-03-09"}).json
    rhia = api.post("/credentials", {"code": "RHIA", "earned_on": "2025-06-01"}).json
    assert rhia["current_cycle"]["required"] == 30
    again = api.get(f"/credentials/{rhit['id']}").json
    assert (again["replaced_by"], again["replaced_on"]) == ("RHIA", "2025-06-01")


def test_an_early_submission_with_ceus_missing_answers_422_unless_confirmed(app, api):
    api.post("/credentials", {"code": "CPC", "earned_on": "2020-06-15", "renewal_month": 5})
    submission = {"body": "aapc", "cycle_end": "2027-05-31", "submitted_on": "2026-11-23"}
    refused = api.post("/submissions", submission)
    assert refused.status_code == 422
    assert refused.json["errors"]["json"]["confirm"] == [
        "AAPC opens submission for this cycle on Apr 30, 2027, after Nov 23, 2026. "
        "36 of 36 CEUs are still needed for this cycle. Record anyway?"
    ]
    recorded = api.post("/submissions", {**submission, "confirm": True})
    assert recorded.status_code == 201
    assert recorded.json == submission


def test_an_ahima_submission_needs_the_fee_paid(api):
    api.post("/credentials", {"code": "CCA", "earned_on": "2025-06-10", "cycle_end": "2027-06-09"})
    submission = {"body": "ahima", "cycle_end": "2027-06-09", "submitted_on": "2026-11-23", "confirm": True}
    assert "fee_paid" in api.post("/submissions", submission).json["errors"]["json"]
    assert api.post("/submissions", {**submission, "fee_paid": True}).status_code == 201


def test_one_ceu_counts_toward_two_aapc_subsets_with_credential_ids(api):
    cpc = api.post("/credentials", {"code": "CPC", "earned_on": "2020-06-15", "renewal_month": 5}).json
    cpma = api.post("/credentials", {"code": "CPMA", "earned_on": "2020-06-15"}).json
    cemc = api.post("/credentials", {"code": "CEMC", "earned_on": "2020-06-15"}).json
    response = api.post("/ceus", {"completed_on": "2026-02-01", "title": "E/M audit workshop", "ceus": 4,
                                  "reference": "IDX-77", "credential_ids": [cpma["id"], cemc["id"]]})
    assert response.status_code == 201, response.json
    assert response.json["credential_ids"] == [cpma["id"], cemc["id"]]
    assert response.json["credential_id"] == cpma["id"]
    cycle = api.get(f"/credentials/{cpc['id']}").json["current_cycle"]
    assert (cycle["required"], cycle["earned"]) == (44, 4)


def test_one_ceu_with_both_approvals_counts_toward_aapc_and_ahima(api):
    cpc = api.post("/credentials", {"code": "CPC", "earned_on": "2020-06-15", "renewal_month": 5}).json
    ccs = api.post("/credentials", {"code": "CCS", "earned_on": "2024-03-10", "cycle_end": "2026-03-09"}).json
    ceu = {"completed_on": "2026-04-01", "title": "ICD-10-CM update", "ceus": 2, "reference": "IDX-9",
           "credential_ids": [cpc["id"], ccs["id"]]}
    missing = api.post("/ceus", ceu)
    assert missing.status_code == 422 and "second_reference" in missing.json["errors"]["json"]
    response = api.post("/ceus", {**ceu, "second_reference": "AHIMA-123"})
    assert response.status_code == 201, response.json
    assert sorted(response.json["credential_ids"]) == sorted([cpc["id"], ccs["id"]])
    assert api.get(f"/credentials/{cpc['id']}").json["current_cycle"]["earned"] == 2
    assert api.get(f"/credentials/{ccs['id']}").json["current_cycle"]["earned"] == 2
    assert len(api.get("/ceus").json) == 1


def test_a_single_credential_id_still_works_and_the_answer_gives_both(api):
    rhit = api.post("/credentials", {"code": "RHIT", "earned_on": "2024-03-10", "cycle_end": "2027-12-31"}).json
    response = api.post("/ceus", {"completed_on": "2026-04-01", "title": "Privacy", "ceus": 1, "credential_id": rhit["id"]})
    assert (response.json["credential_id"], response.json["credential_ids"]) == (rhit["id"], [rhit["id"]])


def test_two_ahima_credentials_for_one_ceu_are_refused(api):
    rhit = api.post("/credentials", {"code": "RHIT", "earned_on": "2024-03-10", "cycle_end": "2027-12-31"}).json
    ccs = api.post("/credentials", {"code": "CCS", "earned_on": "2024-03-10"}).json
    response = api.post("/ceus", {"completed_on": "2026-04-01", "title": "Privacy", "ceus": 1,
                                  "credential_ids": [rhit["id"], ccs["id"]]})
    assert response.status_code == 422
    assert "AHIMA counts a CEU toward one credential only" in response.json["errors"]["json"]["credential_id"][0]


def test_a_credential_outside_the_catalogue_is_added_with_its_rule(api):
    response = api.post("/credentials", {"code": "CCDS", "earned_on": "2025-03-01", "other_body": "ACDIS",
                                         "name": "Certified Clinical Documentation Specialist",
                                         "ceus_per_cycle": 30, "cycle_years": 2, "cycle_end": "2027-02-28"})
    assert response.status_code == 201, response.json
    assert (response.json["body"], response.json["other_body"]) == ("other", "ACDIS")
    assert response.json["current_cycle"]["required"] == 30
    ceu = api.post("/ceus", {"completed_on": "2026-02-01", "title": "CDI week", "ceus": 4, "credential_id": response.json["id"]})
    assert ceu.status_code == 201, ceu.json
    assert api.get(f"/credentials/{response.json['id']}").json["current_cycle"]["earned"] == 4


def test_an_unknown_code_without_its_rule_says_how_to_add_it(api):
    response = api.post("/credentials", {"code": "CCDS", "earned_on": "2025-03-01"})
    assert response.status_code == 422
    assert "add it as another credential" in response.json["errors"]["json"]["code"][0]


def test_a_first_aapc_cycle_says_its_requirement_is_an_estimate_until_the_tracker_figure_is_sent(api):
    cpc = api.post("/credentials", {"code": "CPC", "earned_on": "2025-11-20", "renewal_month": 5}).json
    assert (cpc["current_cycle"]["required"], cpc["current_cycle"]["required_is_estimate"]) == (27, True)
    other = api.post("/credentials", {"code": "CRC", "earned_on": "2025-11-20", "first_cycle_ceus": 24}).json
    assert (other["current_cycle"]["required"], other["current_cycle"]["required_is_estimate"]) == (24, False)
    third = api.post("/credentials", {"code": "CPMA", "earned_on": "2025-12-01"}).json
    assert third["current_cycle"]["required"] == 24  # adding a credential keeps the figure entered


def test_credential_and_ceu_errors_name_the_field(app, api):
    missing = api.post("/credentials", {"code": "CPC", "earned_on": "2020-06-15"})
    assert missing.status_code == 422 and "renewal_month" in missing.json["errors"]["json"]
    unknown = api.post("/credentials", {"code": "XYZ", "earned_on": "2020-06-15"})
    assert unknown.status_code == 422 and "code" in unknown.json["errors"]["json"]
    future = api.post("/credentials", {"code": "CCA", "earned_on": "2030-01-01"})
    assert future.status_code == 422 and "earned_on" in future.json["errors"]["json"]
    cpc = api.post("/credentials", {"code": "CPC", "earned_on": "2020-06-15", "renewal_month": 5}).json
    for body, field in [
        ({"ceus": 0}, "ceus"), ({"ceus": "1.234"}, "ceus"), ({"ceus": "NaN"}, "ceus"),
        ({"title": ""}, "title"), ({"completed_on": "2030-01-01"}, "completed_on"), ({"credential_id": 0}, "credential_id"),
    ]:
        data = {"completed_on": "2026-01-10", "title": "Webinar", "ceus": 1, "credential_id": cpc["id"], **body}
        response = api.post("/ceus", data)
        assert response.status_code == 422, (body, response.json)
        assert field in response.json["errors"]["json"], (body, response.json)
    assert count(app, CeuActivity) == 0


def test_a_ceu_is_changed_partly_and_deleted(api):
    cpma = api.post("/credentials", {"code": "CPMA", "earned_on": "2020-06-15", "renewal_month": 5}).json
    cpc = api.post("/credentials", {"code": "CPC", "earned_on": "2020-06-15"}).json
    general = api.post("/ceus", {"completed_on": "2026-01-10", "title": "Webinar", "ceus": 1, "credential_id": cpc["id"]}).json
    assert general["applies_to"] is None and general["credential_id"] is None
    subset = api.post("/ceus", {"completed_on": "2026-01-11", "title": "Audit basics", "ceus": 2, "credential_id": cpma["id"]}).json
    assert subset["applies_to"] == "CPMA" and subset["credential_id"] == cpma["id"]

    changed = api.patch(f"/ceus/{general['id']}", {"ceus": 1.5})
    assert changed.status_code == 200 and changed.json["ceus"] == 1.5 and changed.json["applies_to"] is None
    moved = api.patch(f"/ceus/{general['id']}", {"credential_id": cpma["id"]})
    assert moved.json["applies_to"] == "CPMA"
    assert api.delete(f"/ceus/{general['id']}").status_code == 204
    assert [c["id"] for c in api.get("/ceus").json] == [subset["id"]]


# -- me, ladder, reminders --------------------------------------------------------------------------

def test_me_shows_and_changes_zone_rung_and_reminder_preferences(api):
    me = api.get("/me").json
    assert me["email"] == "coder@example.com" and me["time_zone"] == "America/New_York" and me["rung"] is None
    assert me["reminder_preferences"]["send_hour"] == 8
    changed = api.patch("/me", {
        "time_zone": "Europe/Berlin", "rung": "coder", "coding_started_on": "2024-03-01",
        "reminder_preferences": {"send_hour": 7, "offsets": {"ceu_cycle": [60, 10]}, "paused": True},
    })
    assert changed.status_code == 200, changed.json
    me = changed.json
    assert me["time_zone"] == "Europe/Berlin" and me["rung"]["key"] == "coder" and me["coding_started_on"] == "2024-03-01"
    prefs = me["reminder_preferences"]
    assert prefs["send_hour"] == 7 and prefs["paused"] is True and prefs["offsets"]["ceu_cycle"] == [60, 10]
    assert prefs["offsets"]["aapc_dues"] == [30, 7]  # untouched kinds keep theirs


def test_a_bad_me_patch_changes_nothing(api):
    before = api.get("/me").json
    response = api.patch("/me", {"time_zone": "Europe/Berlin", "reminder_preferences": {"offsets": {"ceu_cycle": [9999]}}})
    assert response.status_code == 422 and "reminder_preferences" in response.json["errors"]["json"]
    zone = api.patch("/me", {"time_zone": "Mars/Olympus"})
    assert zone.status_code == 422 and "time_zone" in zone.json["errors"]["json"]
    rung = api.patch("/me", {"rung": "astronaut"})
    assert rung.status_code == 422 and "rung" in rung.json["errors"]["json"]
    assert api.get("/me").json == before


def test_the_ladder_compares_the_current_rung_with_the_next(api):
    api.post("/credentials", {"code": "CPC", "earned_on": "2023-06-15", "renewal_month": 5})
    api.patch("/me", {"rung": "coder", "coding_started_on": "2024-03-01"})
    ladder = api.get("/ladder").json
    assert ladder["current"]["key"] == "coder" and ladder["next"]["key"] == "senior"
    assert ladder["gap"]["years_needed"] == 3 and ladder["gap"]["reaches_next_on"] == "2027-03-01"
    assert ladder["gap"]["pay_step_median"] == 13000
    assert len(ladder["gap"]["focus"]) == 5
    assert 0 <= ladder["gap"]["readiness"] <= 100


def test_reminders_list_what_is_planned_and_filter_by_status(api):
    new_plan(api)
    rows = api.get("/reminders").json
    assert rows and all(r["status"] == "pending" for r in rows)
    first = rows[0]
    assert first["kind"] == "milestone_due" and first["due_at"].endswith("+00:00")
    assert api.get("/reminders?status=sent").json == []
    bad = api.get("/reminders?status=lost")
    assert bad.status_code == 422 and "status" in bad.json["errors"]["query"]


def test_reminders_refuse_a_query_parameter_the_document_does_not_name(api):
    """The document says the query has only status (additionalProperties false): a client
    misspelling it is told, not silently given every reminder."""
    bad = api.get("/reminders?stauts=sent")
    assert bad.status_code == 422 and "stauts" in bad.json["errors"]["query"]


# -- the OpenAPI document --------------------------------------------------------------------------

def test_the_openapi_document_describes_every_api_route(app):
    spec = app.test_client().get(f"{API}/openapi.json").json
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops if method != "parameters"}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API) and not rule.rule.endswith("openapi.json"):
            path = rule.rule.replace("<int:", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method) in documented, (path, method)


# -- the settings page ------------------------------------------------------------------------------

def test_settings_show_a_new_token_once_and_revoke_it(app, user_browser):
    created = user_browser.post("/settings/tokens", {"name": "laptop script"})
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    secret = created.text.split('id="token-value" class="token-value" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith("rungs_pat_")
    response = app.test_client().get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200

    page = user_browser.get("/settings/tokens")
    assert "laptop script" in text_of(page) and secret not in page.text
    with app.app_context():
        token_id = db.session.execute(select(ApiToken.id)).scalar_one()
    assert user_browser.post(f"/settings/tokens/{token_id}/revoke").status_code == 302
    assert "No tokens yet" in text_of(user_browser.get("/settings/tokens"))
    assert app.test_client().get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_token_needs_a_name(user_browser):
    response = user_browser.post("/settings/tokens", {"name": "  "})
    assert response.status_code == 422 and "Name the token" in text_of(response)


def test_a_stranger_cannot_revoke_someone_elses_token(app, user_browser):
    token_for(app)
    with app.app_context():
        token_id = db.session.execute(select(ApiToken.id)).scalar_one()
    other = signed_in(Browser(app.test_client()), email="stranger@example.com")
    assert other.post(f"/settings/tokens/{token_id}/revoke").status_code == 404
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None
