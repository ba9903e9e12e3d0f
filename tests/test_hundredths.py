"""CEUs are Decimals in Python and integer hundredths in the database (the Hundredths type)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select, text

from tracker.extensions import db
from tracker.models import RenewalSetup, User


def test_ceus_are_stored_as_integer_hundredths_and_read_back_as_decimals(app):
    with app.app_context():
        user = User(email="h@example.com", password_hash="x", time_zone="UTC")
        db.session.add(user)
        db.session.flush()
        db.session.add(RenewalSetup(user_id=user.id, body="aapc", renewal_month=6, first_cycle_ceus=Decimal("12.25")))
        db.session.commit()
        stored = db.session.execute(text("SELECT first_cycle_hundredths FROM renewal_setups")).scalar_one()
        db.session.expire_all()
        read = db.session.execute(select(RenewalSetup.first_cycle_ceus)).scalar_one()
    assert stored == 1225
    assert read == Decimal("12.25") and isinstance(read, Decimal)


def test_no_ceus_stay_null(app):
    with app.app_context():
        user = User(email="n@example.com", password_hash="x", time_zone="UTC")
        db.session.add(user)
        db.session.flush()
        db.session.add(RenewalSetup(user_id=user.id, body="aapc", renewal_month=6))
        db.session.commit()
        db.session.expire_all()
        assert db.session.execute(select(RenewalSetup.first_cycle_ceus)).scalar_one() is None
