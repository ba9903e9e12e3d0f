"""Teams in the JSON API: create a team, invite a coder, read the members (only what each shares),
remove a member or leave. The same services as the pages: a team you are not in is 404, and so is
every manager-only operation for a plain member."""
from __future__ import annotations

from http import HTTPStatus

from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..domain import limits
from ..domain.clock import utc_now
from ..domain.cycles import STATUS_LABELS
from ..domain.teams import BASIC_FIELDS, ROLES
from ..extensions import csrf
from ..services import team_emails
from ..services import teams as service
from . import authenticate, call, checked_id, user
from .schemas import Text

blueprint = Blueprint("api_teams", __name__, url_prefix="/teams",
                      description="Teams: a supervisor sees who is on track to renew, with each coder's consent.")
blueprint.before_request(authenticate)
csrf.exempt(blueprint)


def _errors(*codes: int, has_arguments: bool = True):
    """Document the error answers (@arguments documents 422 already where it is used)."""
    def decorate(function):
        for code in (401, *codes):
            if code != 422 or not has_arguments:
                function = blueprint.alt_response(code, response=HTTPStatus(code).name)(function)
        return blueprint.alt_response("default", response="DEFAULT_ERROR")(function)
    return decorate


class TeamCreate(Schema):
    name = Text(required=True, max_length=limits.TEAM_NAME_MAX, metadata={"description": "The team's name."})


class TeamSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES), metadata={"description": "Your role in the team."})


class InvitationCreate(Schema):
    email = Text(required=True, max_length=limits.EMAIL_MAX, metadata={"description": "The coder's email address."})


class InvitationSchema(Schema):
    id = fields.Integer(required=True)
    expires_at = fields.DateTime(required=True, metadata={"description": "The emailed link works once, until then."})


class SharedCredential(Schema):
    code = fields.String(required=True)
    cycle_end = fields.Date(required=True)
    required = fields.Float(required=True)
    earned = fields.Float(required=True)
    needed = fields.Float(required=True, metadata={"description": "CEUs still needed this cycle."})
    status = fields.String(required=True, validate=validate.OneOf(list(STATUS_LABELS)))


class MemberSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "The membership's id (DELETE it to remove the member)."})
    email = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    credentials = fields.List(fields.Nested(SharedCredential), required=True, metadata={
        "description": "Each credential's current cycle, riskiest first: only these fields, which every member shares."})


@blueprint.route("", methods=["GET"])
@_errors()
@blueprint.response(200, TeamSchema(many=True))
def list_teams():
    """The teams you are in, with your role."""
    return [{"id": team.id, "name": team.name, "role": row.role} for team, row in service.my_teams(user())]


@blueprint.route("", methods=["POST"])
@blueprint.arguments(TeamCreate)
@_errors()
@blueprint.response(201, TeamSchema)
def create_team(data):
    """Create a team; you are its owner."""
    team = call(service.create_team, user(), data["name"])
    return {"id": team.id, "name": team.name, "role": "owner"}


@blueprint.route("/<int:team_id>/invitations", methods=["POST"])
@blueprint.arguments(InvitationCreate)
@_errors(404, 422)
@blueprint.response(201, InvitationSchema)
def create_invitation(data, team_id):
    """Invite a coder by email (owners and managers): they get a link that works once, for 7 days,
    for that address only."""
    team, _mine = call(service.managed, user(), checked_id(team_id))
    invitation, token = call(service.invite, user(), team.id, data["email"], utc_now())
    team_emails.send_invitation(invitation, token, team, user())
    return {"id": invitation.id, "expires_at": invitation.expires_at}


@blueprint.route("/<int:team_id>/members", methods=["GET"])
@_errors(404)
@blueprint.response(200, MemberSchema(many=True))
def list_members(team_id):
    """Every member riskiest first, with only what each shares (owners and managers)."""
    _team, _mine, members = call(service.overview, user(), checked_id(team_id))
    return [
        {"id": m.membership_id, "email": m.email, "role": m.role,
         "credentials": [{name: getattr(line, name) for name in BASIC_FIELDS} for line in m.credentials]}
        for m in members
    ]


@blueprint.route("/<int:team_id>/members/<int:member_id>", methods=["DELETE"])
@_errors(404, 422, has_arguments=False)
@blueprint.response(204)
def delete_member(team_id, member_id):
    """Remove a member (owners: anyone but themselves; managers: members), or leave the team by
    deleting your own membership (not the owner's). Their sharing stops at once."""
    _team, mine = call(service.membership, user(), checked_id(team_id))
    if mine.id == checked_id(member_id):
        call(service.leave, user(), team_id, fields={"team": "member_id"})
    else:
        call(service.remove_member, user(), team_id, member_id)
    return None
