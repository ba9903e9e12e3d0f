"""Reading a user's credentials and the certifying bodies' rules (part of :mod:`.credentials`)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import bindparam, select

from ...domain import limits
from ...domain import cycles
from ...domain.cycles import BodyRules, Setup
from ...extensions import db
from ...models import Credential, RenewalSetup, User
from ..catalog import current_catalog
from ..errors import Invalid, NotFound
from ..transaction import read


EARLIEST_DATE = dt.date(1970, 1, 1)
OTHER = "other"  # the body of a credential the catalogue lacks
MAX_CEUS = limits.MAX_CEUS
# -- reading ----------------------------------------------------------------------------------

def bodies() -> dict[str, BodyRules]:
    """The certifying bodies' rules, from plans/ (kind = "credentials")."""
    return dict(current_catalog().bodies)


# Built once (building an ORM select cost more than running it): most pages read these.
_CREDENTIALS_OF = select(Credential).where(Credential.user_id == bindparam("user_id")).order_by(
    Credential.body, Credential.earned_on, Credential.code)
_HELD_CODES_OF = select(Credential.code).where(
    Credential.user_id == bindparam("user_id"), Credential.replaced_on.is_(None)
).order_by(Credential.earned_on, Credential.code)


def list_credentials(user: User) -> list[Credential]:
    """The user's credentials, by body then date earned."""
    return list(db.session.execute(_CREDENTIALS_OF, {"user_id": user.id}).scalars())


@dataclass(frozen=True, slots=True)
class CredentialRow:
    """A stored credential as a page that only reads it sees it: every column of
    :class:`Credential`, under the same names, as plain values (no ORM instance to build)."""

    id: int
    user_id: int
    body: str
    code: str
    earned_on: dt.date
    experience_months: int
    course_done_on: dt.date | None
    practicode_done_on: dt.date | None
    converted_from: str | None
    converted_on: dt.date | None
    replaced_by: str | None
    replaced_on: dt.date | None
    name: str | None
    other_body: str | None
    other_ceus: Decimal | None
    other_cycle_years: int | None
    other_cycle_end: dt.date | None
    source: str
    created_at: dt.datetime
    from_milestone_id: int | None


# The table's columns, not the mapped attributes: a Core select, without the ORM's row handling.
_CREDENTIAL_TABLE = Credential.__table__
_CREDENTIAL_ROWS_OF = select(*(Credential.__mapper__.columns[field] for field in CredentialRow.__slots__)).where(
    _CREDENTIAL_TABLE.c.user_id == bindparam("user_id")
).order_by(_CREDENTIAL_TABLE.c.body, _CREDENTIAL_TABLE.c.earned_on, _CREDENTIAL_TABLE.c.code)


def read_credentials(user: User) -> list[CredentialRow]:
    """:func:`list_credentials` for a page that only shows them (the credentials overview): the
    same values in the same order, as rows. Loading ORM instances cost three times as much."""
    return [CredentialRow(*values) for values in read(_CREDENTIAL_ROWS_OF, {"user_id": user.id})]


def held_codes(user: User) -> list[str]:
    """The codes of the credentials the user holds (CPC, CRC, RHIT...), oldest first; one replaced
    by another (RHIT by RHIA) is no longer held."""
    return list(db.session.execute(_HELD_CODES_OF, {"user_id": user.id}).scalars())


def held_codes_of(credentials: Iterable[Credential | CredentialRow]) -> list[str]:
    """:func:`held_codes` from the user's credentials, loaded already (replaced ones included):
    no query."""
    held = sorted((c for c in credentials if c.replaced_on is None), key=lambda c: (c.earned_on, c.code))
    return [c.code for c in held]


def get_credential(user: User, credential_id: int) -> Credential:
    credential = db.session.execute(
        select(Credential).where(Credential.id == credential_id, Credential.user_id == user.id)
    ).scalar_one_or_none()
    if credential is None:
        raise NotFound(f"credential {credential_id}")
    return credential


def get_setup(user: User, body: str) -> RenewalSetup | None:
    return db.session.execute(
        select(RenewalSetup).where(RenewalSetup.user_id == user.id, RenewalSetup.body == body)
    ).scalar_one_or_none()


def rules_for(body: str) -> BodyRules:
    try:
        return current_catalog().bodies[body]
    except KeyError:
        raise NotFound(f"certifying body {body}") from None


def body_key(credential: Credential) -> str:
    """The id of the cycle a credential belongs to: its body (aapc, ahima), or its own for a
    credential outside the catalogue ("other-12")."""
    return f"{OTHER}-{credential.id}" if credential.body == OTHER else credential.body


def other_rules(credential: Credential) -> BodyRules:
    """The rules of a credential outside the catalogue, from what the user entered."""
    return cycles.other_body_rules(
        current_catalog().other_rules, body_key(credential), credential.other_body or "Other", credential.code,
        credential.name or credential.code, int(credential.other_ceus or 0),
        credential.other_cycle_years or 2,
    )


def _body_of_key(user: User, key: str, held: list[Credential] | None = None) -> tuple[BodyRules, list[Credential], Setup]:
    """A cycle id's rules, credentials and setup: a catalogue body, or one "other" credential."""
    held = list_credentials(user) if held is None else held
    if key.startswith(f"{OTHER}-"):
        credential = next((c for c in held if body_key(c) == key), None)
        if credential is None:
            raise NotFound(f"certifying body {key}")
        return other_rules(credential), [credential], _setup([credential], None)
    rules = rules_for(key)
    credentials = [c for c in held if c.body == key]
    return rules, credentials, _setup(credentials, get_setup(user, key))


def _setup(credentials: list[Credential], row: RenewalSetup | None) -> Setup:
    other = credentials[0] if len(credentials) == 1 and credentials[0].body == OTHER else None
    return Setup(
        credentials=tuple(cycles.HeldCredential(c.code, c.earned_on, c.replaced_on) for c in credentials),
        renewal_month=row.renewal_month if row else None,
        cycle_end=other.other_cycle_end if other else (row.cycle_end if row else None),
        first_cycle_ceus=row.first_cycle_ceus if row else None,
    )


def parse_ceus(value, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        ceus = Decimal(str(value)).normalize()
    except (InvalidOperation, ValueError):
        raise Invalid(field, "Enter CEUs as a number, like 1, 0.5 or 1.25.") from None
    if not ceus.is_finite():
        raise Invalid(field, "Enter CEUs as a number, like 1, 0.5 or 1.25.")
    if ceus < 0 or (ceus == 0 and not allow_zero):
        raise Invalid(field, "CEUs must be more than 0." if not allow_zero else "CEUs cannot be negative.")
    if ceus > MAX_CEUS:
        raise Invalid(field, f"That is more than {MAX_CEUS} CEUs: check the number.")
    if ceus != ceus.quantize(Decimal("0.01")):
        raise Invalid(field, "Use at most two decimals (like 1.25).")
    return ceus
