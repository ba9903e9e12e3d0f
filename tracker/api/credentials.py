"""The API's credentials (with their current CEU cycle) and cycle submissions."""
from __future__ import annotations

from decimal import Decimal


from ..services import credentials as credential_service
from ..services import submissions as submission_service
from . import call, checked_id, today, user
from . import schemas as s

from .blueprints import ID, make_blueprint, documents_errors


# -- credentials ----------------------------------------------------------------------------------

credentials = make_blueprint("credentials", "/credentials", "Credentials you hold, with the current CEU cycle.")


def _cycles_by_body():
    result = {}
    for overview in credential_service.renewal_summary(user(), today()):
        standing = overview.current
        tally = standing.tally
        result[overview.rules.id] = {
            "start": tally.cycle.start, "end": tally.cycle.end, "required": tally.required,
            "earned": tally.earned, "needed": tally.needed, "status": standing.status,
            "required_is_estimate": overview.requirement_is_estimate(standing),
            "status_label": standing.label, "days_left": standing.days_left, "next_step": standing.next_step,
        }
    return result


def _credential_body(credential, cycles: dict):
    return {
        "id": credential.id, "code": credential.code, "body": credential.body,
        "earned_on": credential.earned_on, "current_cycle": cycles.get(credential_service.body_key(credential)),
        "name": credential.name, "other_body": credential.other_body,
        "converted_from": credential.converted_from, "converted_on": credential.converted_on,
        "replaced_by": credential.replaced_by, "replaced_on": credential.replaced_on,
    }


def _credential(credential_id: int):
    return call(credential_service.get_credential, user(), checked_id(credential_id))


@credentials.route("")
@documents_errors(credentials)
@credentials.response(200, s.CredentialSchema(many=True))
def list_credentials():
    """Your credentials."""
    cycles = _cycles_by_body()
    return [_credential_body(c, cycles) for c in credential_service.list_credentials(user())]


@credentials.route("", methods=["POST"])
@credentials.arguments(s.CredentialCreate)
@documents_errors(credentials, 400, 422)
@credentials.response(201, s.CredentialSchema)
def create_credential(data):
    """Add a credential you hold; the first of a body also says how its cycles run."""
    other = None
    if {"other_body", "name", "ceus_per_cycle", "cycle_years"} & set(data):
        other = credential_service.OtherCredential(
            body=data.get("other_body", ""), name=data.get("name", ""),
            ceus=str(data.get("ceus_per_cycle", "")), cycle_years=data.get("cycle_years"),
        )
    credential = call(
        credential_service.add_credential, user(), data["code"], data["earned_on"], today(),
        renewal_month=data.get("renewal_month"), cycle_end=data.get("cycle_end"),
        first_cycle_ceus=None if data.get("first_cycle_ceus") is None else Decimal(str(data["first_cycle_ceus"])),
        other=other, fields={"other_ceus": "ceus_per_cycle", "other_cycle_years": "cycle_years"},
    )
    return _credential_body(credential, _cycles_by_body())


@credentials.route(f"/<{ID}:credential_id>")
@documents_errors(credentials, 404)
@credentials.response(200, s.CredentialSchema)
def get_credential(credential_id):
    """One credential with its body's current cycle."""
    return _credential_body(_credential(credential_id), _cycles_by_body())


@credentials.route(f"/<{ID}:credential_id>", methods=["PATCH"])
@credentials.arguments(s.CredentialPatch)
@documents_errors(credentials, 400, 404, 422)
@credentials.response(200, s.CredentialSchema)
def patch_credential(data, credential_id):
    """Correct the date you earned a credential, or convert an apprentice designation
    (`{"code": "CPC"}` on a CPC-A): the same credential, its CEUs and its cycle stay.

    All the changes sent are made, or none.
    """
    credential = _credential(credential_id)

    def change():
        if "earned_on" in data:
            credential_service.update_credential(credential, data["earned_on"], today())
        if "code" in data and data["code"].strip().upper() != credential.code:
            credential_service.convert_credential(credential, data["code"], data.get("converted_on"), today())

    call(change)
    return _credential_body(credential, _cycles_by_body())


@credentials.route(f"/<{ID}:credential_id>", methods=["DELETE"])
@documents_errors(credentials, 404)
@credentials.response(204)
def delete_credential(credential_id):
    """Delete a credential (the last of a body takes that body's CEU log with it)."""
    call(credential_service.delete_credential, user(), _credential(credential_id))


# -- submissions ----------------------------------------------------------------------------------

submissions = make_blueprint("submissions", "/submissions", "Cycles you submitted to the certifying body.")


@submissions.route("", methods=["POST"])
@submissions.arguments(s.SubmissionCreate)
@documents_errors(submissions, 400, 404, 422)
@submissions.response(201, s.SubmissionSchema)
def create_submission(data):
    """Record that you submitted a cycle's CEUs (AHIMA: reported them and paid the fee).

    Before the submission window opens, or with CEUs still needed, this answers 422 naming
    `confirm` and saying what is missing, unless `"confirm": true`.
    """
    call(
        submission_service.record_submission, user(), data["body"], data["cycle_end"], data["submitted_on"],
        today(), confirm=data["confirm"], fee_paid=data["fee_paid"],
    )
    return {"body": data["body"], "cycle_end": data["cycle_end"], "submitted_on": data["submitted_on"]}


BLUEPRINTS = [credentials, submissions]
