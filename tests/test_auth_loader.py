"""The signed-in user's loader (tracker/auth.py) reads the account's row as plain values and hands
it to the session: the User it gives must be the one the ORM would have loaded, tracked by the
session like any other (a change to it is saved), and refused for every wrong cookie."""
from __future__ import annotations

from sqlalchemy import inspect as inspect_state
from sqlalchemy import select

from tracker.auth import load_user
from tracker.extensions import db
from tracker.models import User
from tracker.services import stages
from tracker.services.identity import session_id

import builders


def _columns(user: User) -> dict:
    return {attribute.key: getattr(user, attribute.key) for attribute in inspect_state(User).column_attrs}


def test_the_loaded_user_is_the_orm_one(app):
    user_id = builders.make_user(app)
    with app.app_context():
        orm = db.session.execute(select(User).where(User.id == user_id)).scalar_one()
        expected, identity = _columns(orm), session_id(orm)
        db.session.remove()
        loaded = load_user(identity)
        state = inspect_state(loaded)
        assert state.persistent and loaded in db.session
        assert _columns(loaded) == expected
        assert not db.session.dirty  # loaded, not changed
        assert [plan.title for plan in loaded.plans] == []  # its relationships load on use


def test_a_change_to_the_loaded_user_is_saved(app):
    user_id = builders.make_user(app)
    with app.app_context():
        identity = session_id(db.session.get(User, user_id))
        db.session.remove()
        loaded = load_user(identity)
        stages.set_stage(loaded, "certified")  # sets the attribute and commits
        loaded.time_zone = "Pacific/Auckland"
        db.session.commit()
        db.session.remove()
        again = db.session.get(User, user_id)
        assert (again.career_stage, again.time_zone) == ("certified", "Pacific/Auckland")


def test_a_user_already_in_the_session_is_that_one(app):
    user_id = builders.make_user(app)
    with app.app_context():
        present = db.session.get(User, user_id)
        assert load_user(session_id(present)) is present


def test_wrong_cookies_load_nobody(app):
    user_id = builders.make_user(app)
    other_id = builders.make_user(app, email="other@example.com")
    with app.app_context():
        user = db.session.get(User, user_id)
        good = session_id(user)
        number, version, proof = good.split(":")
        other_proof = session_id(db.session.get(User, other_id)).split(":")[2]
        db.session.remove()
        for cookie in (
            f"{number}:{int(version) + 1}:{proof}",  # an older or newer session
            f"{number}:{version}:{other_proof}",  # another account's proof
            f"{other_id}:{version}:{proof}",  # another account's id with this one's proof
            f"{number + '0' * 3}:{version}:{proof}",  # no such account
            f"{number}:{version}", f"{number}", "", "x:1:y", f"{10 ** 30}:{version}:{proof}",
        ):
            assert load_user(cookie) is None, cookie
            assert not list(db.session)  # nothing of a refused account kept in the session
        assert load_user(good).id == user_id
