"""Deleting an account: after the password, every row and file of the user is gone, and the
session with it; other users keep everything."""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.domain.clock import utc_now
from tracker.domain.teams import Sharing
from tracker.models import Team, TeamInvitation, User
from tracker.services import certificate_reads
from tracker.services import teams as team_service
from tracker.services.accounts import find_user_by_email

from builders import signed_in
from support import Browser, register, text_of
from test_portability import build_rich_account, row_counts

CERTIFICATE = (Path(__file__).parent / "certificates" / "no_index.pdf").read_bytes()


def rows_of(user_id: int) -> dict[str, int]:
    """Rows that belong to the user, in every table: by user_id, or the users row itself, or
    through a plan or milestone of theirs."""
    found = {}
    plans = select(db.metadata.tables["plans"].c.id).where(db.metadata.tables["plans"].c.user_id == user_id)
    milestones = select(db.metadata.tables["milestones"].c.id).where(db.metadata.tables["milestones"].c.plan_id.in_(plans))
    for table in db.metadata.sorted_tables:
        if table.name == "users":
            condition = table.c.id == user_id
        elif "user_id" in table.c:
            condition = table.c.user_id == user_id
        elif "plan_id" in table.c:
            condition = table.c.plan_id.in_(plans)
        elif "milestone_id" in table.c:
            condition = table.c.milestone_id.in_(milestones)
        else:
            continue
        found[table.name] = db.session.execute(select(func.count()).select_from(table).where(condition)).scalar_one()
    return found


def test_deleting_the_account_removes_every_row_and_file_and_signs_out(app, clock):
    owner, other = Browser(app.test_client()), Browser(app.test_client())
    signed_in(owner, email="coder@example.com")
    signed_in(other, email="other@example.com")
    with app.app_context():
        build_rich_account("coder@example.com")
        build_rich_account("other@example.com")
        for email in ("coder@example.com", "other@example.com"):  # a certificate sent to be read
            certificate_reads.read_now(find_user_by_email(email), ("webinar.pdf", io.BytesIO(CERTIFICATE)))
        user_id = db.session.execute(select(User.id).where(User.email == "coder@example.com")).scalar_one()
        other_id = db.session.execute(select(User.id).where(User.email == "other@example.com")).scalar_one()
        # Teams: the coder owns one the other joined, and joined the other's (issue 17).
        coder, someone = db.session.get(User, user_id), db.session.get(User, other_id)
        mine_team = team_service.create_team(coder, "Mine").id
        theirs_team = team_service.create_team(someone, "Theirs").id
        for team_id, inviter, invitee in ((mine_team, coder, someone), (theirs_team, someone, coder)):
            invitation, _token = team_service.invite(inviter, team_id, invitee.email, utc_now())
            team_service.accept(invitee, invitation.id, Sharing(ceus=True), utc_now())
        team_service.invite(coder, mine_team, "pending@example.com", utc_now())  # still open
        theirs = rows_of(other_id)
    owner.post("/settings/calendar-feed", {"action": "on"})
    # Every kind of row exists before, so the walk below proves something.
    with app.app_context():
        mine = rows_of(user_id)
        empty_tables = sorted(name for name, count in mine.items() if count == 0 and name not in ("api_tokens",))
        assert not empty_tables, empty_tables
    folder = Path(app.config["CERTIFICATE_DIR"]) / str(user_id)
    assert any(folder.iterdir())

    response = owner.post("/settings/delete", {"password": "correct horse battery"})
    assert response.status_code == 302
    assert "Your account and everything in it are deleted." in text_of(owner.get("/"))
    assert owner.get("/settings/").status_code == 302  # signed out

    with app.app_context():
        assert all(count == 0 for count in rows_of(user_id).values()), rows_of(user_id)
        # The other leaves the coder's team with it; their own team stays, without the coder.
        assert rows_of(other_id) == theirs | {"calendar_feeds": 0, "team_memberships": 1}
        assert db.session.execute(select(Team.id)).scalars().all() == [theirs_team]
        assert db.session.execute(select(func.count()).select_from(TeamInvitation).where(TeamInvitation.team_id == mine_team)).scalar_one() == 0
    assert not folder.exists()
    assert any((Path(app.config["CERTIFICATE_DIR"]) / str(other_id)).iterdir())
    # The email is free again: a new account starts empty.
    register(owner, email="coder@example.com")
    with app.app_context():
        from tracker.services.portability import account_is_empty

        assert account_is_empty(db.session.execute(select(User).where(User.email == "coder@example.com")).scalar_one())


def test_a_wrong_password_deletes_nothing(app, user_browser):
    with app.app_context():
        build_rich_account()
        before = row_counts()
    response = user_browser.post("/settings/delete", {"password": "not my password"})
    assert response.status_code == 422
    assert "That is not your password: nothing was deleted." in text_of(response)
    response = user_browser.post("/settings/delete", {"password": ""})
    assert response.status_code == 422
    with app.app_context():
        assert row_counts() == before
    assert user_browser.get("/settings/").status_code == 200


def test_deleting_needs_a_csrf_token(app, user_browser):
    response = user_browser.post("/settings/delete", {"password": "correct horse battery"}, csrf=False)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 1


def test_a_session_cookie_kept_from_before_the_deletion_opens_nothing(app, user_browser):
    copy = app.test_client()
    for cookie in user_browser.client._cookies.values():
        copy.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert copy.get("/settings/").status_code == 200
    assert user_browser.post("/settings/delete", {"password": "correct horse battery"}).status_code == 302
    assert copy.get("/settings/").status_code == 302
