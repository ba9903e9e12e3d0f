"""Teams: the overview a supervisor reads, invitations, and each member's consent.

Every page naming a team answers 404 to anyone outside it (and the manager-only ones to plain
members): the services decide, :func:`or_404` logs the attempt. Team pages are computed on every
request from the current memberships and never cached, so a member who leaves, is removed or turns
sharing off disappears from the very next page.
"""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from ..domain import teams as rules
from ..domain.clock import utc_now
from ..domain.cycles import STATUS_LABELS
from ..forms import CONFIRM, ConfirmForm, InviteForm, RoleForm, SharingForm, TeamForm
from ..services import certificates
from ..services import team_emails
from ..services import teams as service
from ..services.errors import Invalid
from . import or_404, show_error, user_today
from .page_cache import cached_fragment

bp = Blueprint("teams", __name__, url_prefix="/teams")


def _no_store(response):
    # What a member shares must not outlive their consent in any cache, the browser's included.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.after_request
def no_store(response):
    return _no_store(response)


def _sharing(form: SharingForm) -> rules.Sharing:
    return rules.Sharing(ceus=bool(form.share_ceus.data), plans=bool(form.share_plans.data), ladder=bool(form.share_ladder.data))


@bp.route("/", methods=["GET", "POST"])
@login_required
def index():
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = service.create_team(current_user, form.name.data)
        except Invalid as error:
            show_error(form, error)
        else:
            flash(f"Team “{team.name}” created. Invite your coders below.", "success")
            return redirect(url_for("teams.show", team_id=team.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "teams/index.html", form=form, teams=service.my_teams(current_user),
        invitations=service.pending_invitations(current_user, utc_now()), role_labels=rules.ROLE_LABELS,
    ), status


def _filters() -> rules.Filters:
    code = request.args.get("credential", "")[:12]
    status = request.args.get("status", "")
    return rules.Filters(
        code=code if code.isprintable() else "", status=status if status in STATUS_LABELS else "",
        quiet=request.args.get("quiet") == "1",
    )


@bp.route("/<int:team_id>")
@login_required
def show(team_id: int):
    team, mine = or_404(service.membership, current_user, team_id)
    if not rules.manages(mine.role):
        managers = [(row, person) for row, person in service.member_rows(team.id) if rules.manages(row.role)]
        return render_template("teams/member.html", team=team, mine=mine, sharing=_sharing_form(mine), managers=managers,
                               confirm=CONFIRM, role_labels=rules.ROLE_LABELS)
    return _overview_page(team, mine, InviteForm())


def _sharing_form(mine) -> SharingForm:
    return SharingForm(data={"share_ceus": mine.share_ceus, "share_plans": mine.share_plans, "share_ladder": mine.share_ladder})


def _page_number() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) < 6 else 1


def _overview_body(team_id: int, filters: rules.Filters, page: int) -> str:
    team, _mine, everyone = service.overview(current_user, team_id)
    members = rules.apply_filters(everyone, filters, user_today())
    pages = max(1, -(-len(members) // rules.PER_PAGE))
    page = min(page, pages)
    return render_template(
        "teams/_overview_body.html", team=team, members=members[(page - 1) * rules.PER_PAGE:page * rules.PER_PAGE],
        matching=len(members), total=len(everyone), page=page, pages=pages, filters=filters,
        codes=service.credential_codes(everyone), statuses=STATUS_LABELS,
        not_sharing_ceus=sum(1 for m in everyone if m.ceus is None), links=True,
    )


def _overview_page(team, mine, invite: InviteForm, status: int = 200):
    filters, page = _filters(), _page_number()

    def render() -> str:
        return render_template(
            "teams/_overview_main.html", team=team, mine=mine, body=Markup(_overview_body(team.id, filters, page)),
            invitations=service.open_invitations(current_user, team.id, utc_now()),
            invite=invite, sharing=_sharing_form(mine), confirm=CONFIRM, role_labels=rules.ROLE_LABELS,
        )

    if invite.errors:
        content = Markup(render())
    else:
        # The overview of a big team is costly: cached under the team's version, bumped in the same
        # commit as any change to a member's data, the memberships or the invitations
        # (services/teams/), and under what the viewer's own part of the page shows.
        key = ("teams.overview", *service.overview_key(team, utc_now()), mine.id, mine.role, mine.share_ceus,
               mine.share_plans, mine.share_ladder, filters, page, user_today())
        content = cached_fragment(key, render)
    return render_template("teams/overview.html", team=team, content=content), status


@bp.route("/<int:team_id>/export.csv")
@login_required
def export(team_id: int):
    team, _mine, members = or_404(service.overview, current_user, team_id, _filters())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(rules.csv_header())
    writer.writerows(rules.csv_rows(members))
    # The BOM lets spreadsheet apps read the file as UTF-8 (names with accents stay intact).
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="team-{team.id}.csv"'
    return response


@bp.route("/<int:team_id>/summary")
@login_required
def summary(team_id: int):
    filters = _filters()
    team, _mine, members = or_404(service.overview, current_user, team_id, filters)
    return render_template("teams/summary.html", team=team, members=members, filters=filters,
                           today=user_today(), statuses=STATUS_LABELS)


@bp.post("/<int:team_id>/invitations")
@login_required
def invite(team_id: int):
    team, mine = or_404(service.managed, current_user, team_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation, token = service.invite(current_user, team_id, form.email.data, utc_now())
        except Invalid as error:
            show_error(form, error)
        else:
            if team_emails.send_invitation(invitation, token, team, current_user):
                flash(f"Invitation sent to {invitation.email}. The link works once, for {rules.INVITATION_DAYS} days.", "success")
            else:
                flash(f"The invitation to {invitation.email} could not be emailed just now. Try again in a few minutes.", "error")
            return redirect(url_for("teams.show", team_id=team_id))
    return _overview_page(team, mine, form, 422)


@bp.route("/<int:team_id>/members/<int:member_id>")
@login_required
def member(team_id: int, member_id: int):
    team, mine = or_404(service.managed, current_user, team_id)
    view = or_404(service.member_detail, current_user, team_id, member_id)
    role_form = RoleForm(data={"role": view.role if view.role != rules.OWNER else rules.MANAGER})
    return render_template(
        "teams/member_detail.html", team=team, mine=mine, member=view, confirm=CONFIRM, role_form=role_form,
        may_remove=view.membership_id != mine.id and rules.may_remove(mine.role, view.role),
        may_change_role=rules.may_change_role(mine.role, view.role, rules.MEMBER), today=user_today(),
    )


@bp.route("/<int:team_id>/members/<int:member_id>/ceus/<int:activity_id>/certificate")
@login_required
def certificate(team_id: int, member_id: int, activity_id: int):
    activity, path = or_404(service.shared_certificate, current_user, team_id, member_id, activity_id)
    response = send_file(path, mimetype=activity.certificate_type, as_attachment=True,
                         download_name=certificates.download_name(activity), max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.post("/<int:team_id>/members/<int:member_id>/remove")
@login_required
def remove(team_id: int, member_id: int):
    or_404(service.managed, current_user, team_id)
    if ConfirmForm().validate_on_submit():
        or_404(service.remove_member, current_user, team_id, member_id)
        flash("Removed from the team: nothing they shared shows any more.", "success")
    return redirect(url_for("teams.show", team_id=team_id))


@bp.post("/<int:team_id>/members/<int:member_id>/role")
@login_required
def role(team_id: int, member_id: int):
    or_404(service.managed, current_user, team_id)
    form = RoleForm()
    if form.validate_on_submit():
        or_404(service.change_role, current_user, team_id, member_id, form.role.data)
        flash("Role changed.", "success")
    return redirect(url_for("teams.member", team_id=team_id, member_id=member_id))


@bp.post("/<int:team_id>/sharing")
@login_required
def sharing(team_id: int):
    or_404(service.membership, current_user, team_id)
    form = SharingForm()
    if form.validate_on_submit():
        service.update_sharing(current_user, team_id, _sharing(form))
        flash("Saved: the team sees what you share from now on.", "success")
    return redirect(url_for("teams.show", team_id=team_id))


@bp.post("/<int:team_id>/leave")
@login_required
def leave(team_id: int):
    team, _mine = or_404(service.membership, current_user, team_id)
    if ConfirmForm().validate_on_submit():
        try:
            service.leave(current_user, team_id)
        except Invalid as error:
            flash(error.message, "error")
            return redirect(url_for("teams.show", team_id=team_id))
        flash(f"You left “{team.name}”: the team no longer sees anything of yours.", "success")
    return redirect(url_for("teams.index"))


@bp.post("/<int:team_id>/delete")
@login_required
def delete(team_id: int):
    team, _mine = or_404(service.membership, current_user, team_id)
    if ConfirmForm().validate_on_submit():
        or_404(service.delete_team, current_user, team_id)
        flash(f"Team “{team.name}” deleted.", "success")
    return redirect(url_for("teams.index"))


# The emailed link: its secret is the authority, so it works signed out (it then asks to sign in
# or sign up with the invited address). It only shows; accepting is a POST by the invitee.
@bp.route("/join/<token>")
def join(token: str):
    invitation = service.invitation_for_token(token, utc_now())
    if invitation is None:
        return render_template("errors/error.html", code=404, title="This invitation link does not work",
                               message="It was already used, it expired, or it was cut short. Ask your team's manager for a new one."), 404
    if not current_user.is_authenticated:
        return render_template("teams/join.html", email=invitation.email, next=request.path)
    if current_user.email != invitation.email:
        return render_template("errors/error.html", code=404, title="This invitation is for another address",
                               message=f"You are signed in as {current_user.email}. Sign out, then sign in or create an account with the address the invitation was sent to."), 404
    return redirect(url_for("teams.invitation", invitation_id=invitation.id))


@bp.route("/invitations/<int:invitation_id>", methods=["GET", "POST"])
@login_required
def invitation(invitation_id: int):
    found, team = or_404(service.my_invitation, current_user, invitation_id, utc_now())
    form = SharingForm()
    if form.validate_on_submit():
        or_404(service.accept, current_user, invitation_id, _sharing(form), utc_now())
        flash(f"You joined “{team.name}”. You can change what you share, or leave, at any time.", "success")
        return redirect(url_for("teams.show", team_id=team.id))
    return render_template("teams/accept.html", invitation=found, team=team, form=form, confirm=CONFIRM)


@bp.post("/invitations/<int:invitation_id>/decline")
@login_required
def decline(invitation_id: int):
    or_404(service.my_invitation, current_user, invitation_id, utc_now())
    if ConfirmForm().validate_on_submit():
        or_404(service.decline, current_user, invitation_id, utc_now())
        flash("Invitation declined.", "success")
    return redirect(url_for("teams.index"))


@bp.app_template_filter("team_ceus")
def team_ceus(value) -> str:
    """A CEU amount as people write it: 30, 12.5, 0.25 (never 3E+1)."""
    return f"{value.normalize():f}" if value is not None else ""
