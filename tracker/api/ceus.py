"""The API's continuing-education log."""
from __future__ import annotations

from decimal import Decimal

from flask_smorest import abort

from ..services import credentials as credential_service
from ..services.errors import NotFound
from . import MAX_ID, call, checked_id, today, user
from . import schemas as s

from . import certificates
from .blueprints import ID, make_blueprint, documents_errors


# -- CEUs -----------------------------------------------------------------------------------------

ceus = make_blueprint("ceus", "/ceus", "Your continuing-education log.")


def _ceu_body(activity, ids_by_code: dict[str, int]):
    linked = [c.id for c in activity.credentials]
    return {
        "id": activity.id, "completed_on": activity.completed_on, "title": activity.title,
        "provider": activity.provider, "reference": activity.reference,
        "second_reference": activity.second_reference,
        "ceus": activity.ceus, "body": activity.body,
        "applies_to": activity.applies_to or None,
        # As before credential_ids existed: the subset or AHIMA credential, null for general CEUs.
        "credential_id": ids_by_code.get(activity.applies_to),
        "credential_ids": linked,
        "next_cycle": activity.next_cycle, "has_certificate": bool(activity.certificate_file),
    }


def _ids_by_code():
    return {c.code: c.id for c in credential_service.list_credentials(user())}


def _activity_input(data, counts_toward: list[str] | None = None) -> credential_service.ActivityInput:
    """The service's input; each of ``credential_id`` / ``credential_ids`` becomes a "counts
    toward" choice of the form: the credential's subset or own line if it has one, otherwise its
    body's general CEUs."""
    person = user()
    if counts_toward is None:
        ids = list(dict.fromkeys(([data["credential_id"]] if "credential_id" in data else []) + list(data.get("credential_ids") or [])))
        field = "credential_ids" if "credential_ids" in data else "credential_id"
        if not ids:
            message = "Give credential_id or credential_ids: use ids from GET /api/v1/credentials."
            abort(422, message=message, errors={"json": {"credential_id": [message]}})
        choices = {value for value, _label, _body in credential_service.counts_toward_choices(person, include_replaced=True)}
        counts_toward = []
        for credential_id in ids:
            credential = None
            if 0 < credential_id <= MAX_ID:
                try:
                    credential = credential_service.get_credential(person, credential_id)
                except NotFound:
                    credential = None
            if credential is None:
                message = "No such credential: use an id from GET /api/v1/credentials."
                abort(422, message=message, errors={"json": {field: [message]}})
            key = credential_service.body_key(credential)
            own = f"{key}:{credential.code}"
            counts_toward.append(own if own in choices else key)
    return credential_service.ActivityInput(
        completed_on=data["completed_on"], title=data["title"], provider=data["provider"],
        reference=data["reference"], ceus=Decimal(str(data["ceus"])),
        counts_toward=counts_toward, next_cycle=data.get("next_cycle"),
        second_reference=data.get("second_reference", ""),
    )


_CEU_FIELDS = {"counts_toward": "credential_id"}


def _activity(activity_id: int):
    return call(credential_service.get_activity, user(), checked_id(activity_id))


@ceus.route("")
@documents_errors(ceus)
@ceus.response(200, s.CeuSchema(many=True))
def list_ceus():
    """Your CEU activities, newest first."""
    ids = _ids_by_code()
    return [_ceu_body(a, ids) for a in credential_service.list_activities(user())]


@ceus.route("", methods=["POST"])
@ceus.arguments(s.CeuCreate)
@documents_errors(ceus, 400, 404, 422)
@ceus.response(201, s.CeuSchema)
def create_ceu(data):
    """Log a CEU activity (with the certificate of a certificate_read_id, if given)."""
    upload = certificates.certificate_upload(data)
    activity = call(credential_service.add_activity, user(), _activity_input(data), today(), upload, fields=_CEU_FIELDS)
    certificates.forget_read(data)
    return _ceu_body(activity, _ids_by_code())


@ceus.route(f"/<{ID}:activity_id>")
@documents_errors(ceus, 404)
@ceus.response(200, s.CeuSchema)
def get_ceu(activity_id):
    """One CEU activity."""
    return _ceu_body(_activity(activity_id), _ids_by_code())


@ceus.route(f"/<{ID}:activity_id>", methods=["PATCH"])
@ceus.arguments(s.CeuPatch(partial=True))
@documents_errors(ceus, 400, 404, 422)
@ceus.response(200, s.CeuSchema)
def patch_ceu(data, activity_id):
    """Change a CEU activity (only the fields sent; its certificate stays)."""
    activity = _activity(activity_id)
    merged = {
        "completed_on": activity.completed_on, "title": activity.title, "provider": activity.provider,
        "reference": activity.reference, "ceus": activity.ceus,
        "next_cycle": activity.next_cycle, **data,
    }
    # Without credential_id(s) the activity keeps counting toward what it counts toward now.
    keep = None if {"credential_id", "credential_ids"} & set(data) else credential_service.counts_toward_of(activity)
    merged.setdefault("second_reference", activity.second_reference)
    call(credential_service.update_activity, user(), activity, _activity_input(merged, keep), today(), fields=_CEU_FIELDS)
    return _ceu_body(activity, _ids_by_code())


@ceus.route(f"/<{ID}:activity_id>", methods=["DELETE"])
@documents_errors(ceus, 404)
@ceus.response(204)
def delete_ceu(activity_id):
    """Delete a CEU activity and its certificate."""
    call(credential_service.delete_activity, user(), _activity(activity_id))


BLUEPRINTS = [ceus]
