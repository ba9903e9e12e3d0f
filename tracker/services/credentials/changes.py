"""Credential conversions (CCA to CCS…) and replacements (RHIT by RHIA), and undoing them (part of :mod:`.credentials`)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from ...domain.dates import long_date
from ...extensions import db
from ...models import CeuActivity, Credential
from ..catalog import current_catalog
from .. import versions
from ..transaction import commit
from ..errors import Invalid
from .reading import OTHER




@dataclass(frozen=True)
class Change:
    """What a credential can become or replace, and whether the body publishes that rule."""

    code: str  # the credential it becomes (CPC for CPC-A) or that replaces it
    assumption: str  # "" where the body publishes the rule
    confidence: str
    source: str


def conversion_of(credential: Credential) -> Change | None:
    """The full credential an apprentice designation becomes (CPC-A → CPC), or None."""
    rules = current_catalog().body_of(credential.code) if credential.body != OTHER else None
    rule = rules.credentials.get(credential.code) if rules else None
    if rule is None or not rule.becomes:
        return None
    return Change(rule.becomes, rule.change_assumption, rule.change_confidence, rule.change_source)


def replacement_of(credential: Credential) -> Change | None:
    """Why a retired credential is no longer counted (RHIT replaced by RHIA), or None."""
    if not credential.replaced_by:
        return None
    rules = current_catalog().body_of(credential.replaced_by)
    rule = rules.credentials.get(credential.replaced_by) if rules else None
    if rule is None:
        return Change(credential.replaced_by, "", "high", "")
    return Change(rule.code, rule.change_assumption, rule.change_confidence, rule.change_source)


def convert_credential(credential: Credential, new_code: str, on: dt.date | None, today: dt.date) -> Credential:
    """Turn an apprentice designation into the full credential (CPC-A → CPC) on ``on``.

    The same credential row: its earned date, CEUs, certificates and cycle stay; only the code
    changes (AAPC: the same credential, number and renewal). Invalid when the body's rules do not
    turn this code into ``new_code`` or the user already holds ``new_code``.
    """
    new_code = (new_code or "").strip().upper()
    change = conversion_of(credential)
    if change is None:
        raise Invalid("code", f"{credential.code} does not become another credential: add {new_code or 'the new one'} instead.")
    if new_code != change.code:
        raise Invalid("code", f"{credential.code} becomes {change.code}, not {new_code or 'nothing'}.")
    if db.session.execute(select(Credential.id).where(
        Credential.user_id == credential.user_id, Credential.code == new_code, Credential.id != credential.id,
    )).first():
        raise Invalid("code", f"You already hold {new_code}: delete one of the two first.")
    on = on or today
    if on > today:
        raise Invalid("converted_on", "That date is in the future.")
    if on < credential.earned_on:
        raise Invalid("converted_on", f"That is before you earned {credential.code} ({long_date(credential.earned_on)}).")
    db.session.execute(
        CeuActivity.__table__.update()
        .where(CeuActivity.user_id == credential.user_id, CeuActivity.applies_to == credential.code)
        .values(applies_to=new_code)
    )
    credential.converted_from, credential.converted_on = credential.code, on
    credential.code = new_code
    versions.changed(db.session, credential.user_id)
    commit()
    return credential


def undo_conversion(credential: Credential) -> Credential:
    """Put back the apprentice designation a conversion removed (a conversion made by mistake)."""
    if not credential.converted_from:
        raise Invalid("code", f"{credential.code} was not converted from another credential.")
    old = credential.converted_from
    if db.session.execute(select(Credential.id).where(
        Credential.user_id == credential.user_id, Credential.code == old, Credential.id != credential.id,
    )).first():
        raise Invalid("code", f"You hold {old} as another credential: delete it first.")
    db.session.execute(
        CeuActivity.__table__.update()
        .where(CeuActivity.user_id == credential.user_id, CeuActivity.applies_to == credential.code)
        .values(applies_to=old)
    )
    credential.code, credential.converted_from, credential.converted_on = old, None, None
    versions.changed(db.session, credential.user_id)
    commit()
    return credential
