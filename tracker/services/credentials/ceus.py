"""CEU activities: checking, logging, editing, deleting (part of :mod:`.credentials`)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...domain import limits
from ...domain.dates import long_date
from ...domain import cycles
from ...domain.cycles import BodyRules, Setup
from ...extensions import db
from ...models import CeuActivity, Credential, User
from .. import certificates
from ..transaction import commit
from ..errors import Invalid, NotFound
from .reading import OTHER, CredentialRow, _body_of_key, _setup, bodies, body_key, get_setup, list_credentials, parse_ceus, rules_for



def get_activity(user: User, activity_id: int) -> CeuActivity:
    activity = db.session.execute(
        select(CeuActivity).where(CeuActivity.id == activity_id, CeuActivity.user_id == user.id)
    ).scalar_one_or_none()
    if activity is None:
        raise NotFound(f"CEU activity {activity_id}")
    return activity


def list_activities(user: User, body: str | None = None) -> list[CeuActivity]:
    """The user's CEU activities, newest first (of one body when given)."""
    query = select(CeuActivity).where(CeuActivity.user_id == user.id).options(selectinload(CeuActivity.credentials))
    if body:
        query = query.where(CeuActivity.body == body)
    return list(db.session.execute(query.order_by(CeuActivity.completed_on.desc(), CeuActivity.id.desc())).scalars())


# -- CEU activities -------------------------------------------------------------------------------

@dataclass
class ActivityInput:
    completed_on: dt.date | None
    title: str
    provider: str
    reference: str
    ceus: object
    # One or several of "aapc" (general), "aapc:CPMA" (subset), "ahima:RHIT": several credentials
    # of one body, or of two bodies when the activity carries both bodies' approvals.
    counts_toward: str | list[str] | tuple[str, ...]
    next_cycle: bool | None = None  # None: not answered
    second_reference: str = ""  # the second body's approval (AHIMA program id beside the AAPC index)


def counts_toward_choices(user: User, *, include_replaced: bool = False, credentials: Sequence[Credential | CredentialRow] | None = None) -> list[tuple[str, str, str]]:
    """(value, label, body name) for the "counts toward" picker, from the credentials held (one
    replaced by another is offered only with ``include_replaced``: its past CEUs stay valid).
    ``credentials``: the user's, when the page has loaded them already."""
    choices = []
    held_all = list_credentials(user) if credentials is None else credentials
    credentials = [c for c in held_all if include_replaced or c.replaced_on is None]
    for body_id, rules in bodies().items():
        held = [c for c in credentials if c.body == body_id]
        if not held:
            continue
        if not rules.one_credential_per_activity:
            choices.append((body_id, f"{rules.name}: all credentials (general CEUs)", rules.name))
        for credential in held:
            rule = rules.credentials[credential.code]
            if rules.one_credential_per_activity:
                label = f"{rules.name}: {credential.code}"
                if credential.replaced_by:
                    label += f" (replaced by {credential.replaced_by})"
                choices.append((f"{body_id}:{credential.code}", label, rules.name))
            elif rule.subset_ceus:
                choices.append((f"{body_id}:{credential.code}", f"{rules.name}: {credential.code} — {rule.subset_label} CEUs", rules.name))
    for credential in credentials:
        if credential.body == OTHER:
            name = credential.other_body or "Other"
            choices.append((body_key(credential), f"{name}: {credential.code}", name))
    return choices


def counts_toward_of(activity: CeuActivity) -> list[str]:
    """The "counts toward" values an activity was logged with (the reverse of the picker)."""
    linked = activity.credentials
    values = []
    for body in dict.fromkeys([activity.body] + [body_key(c) for c in linked]):
        rules = bodies().get(body)
        codes = sorted(c.code for c in linked if body_key(c) == body)
        if body == activity.body and not codes and activity.applies_to:
            codes = [activity.applies_to]
        picked = [
            f"{body}:{code}" for code in codes
            if rules and code in rules.credentials and (rules.one_credential_per_activity or rules.credentials[code].subset_ceus)
        ]
        values += picked or [body]
    return values


def _targets(value: str | list[str] | tuple[str, ...]) -> list[str]:
    values = [value] if isinstance(value, str) else list(value or [])
    return list(dict.fromkeys(v for v in values if v))


def checked_activity(user: User, data: ActivityInput, today: dt.date, *, allow_unassigned: bool = False) -> dict:
    """The columns of a valid activity (and ``credentials``, the rows it counts toward), or
    Invalid naming the field.

    An activity counts toward one or several credentials of a body, and toward two bodies only
    when it carries both approvals (``reference`` for the first body, ``second_reference`` for
    the other). ``allow_unassigned`` accepts a CEU of a body that assigns each CEU to one
    credential (AHIMA) with no credential: the state :func:`delete_credential` leaves such CEUs
    in, which an import of an export must be able to restore. The form always asks for one.
    """
    title, provider, reference, second_reference = _checked_text(data)
    ceus = parse_ceus(data.ceus, "ceus")
    held = list_credentials(user)
    by_body = _targets_by_body(user, data.counts_toward, held, allow_unassigned)
    body = next(iter(by_body))
    found = {key: _body_of_key(user, key, held) for key in by_body}
    if len(by_body) == 2:
        _check_both_approvals(*(found[key][0] for key in by_body), reference, second_reference)
    else:
        second_reference = ""
    next_cycle, links = _cycle_and_links(data, by_body, found, today)
    return dict(
        body=body, completed_on=data.completed_on, title=title, provider=provider, reference=reference,
        second_reference=second_reference, ceus=ceus,
        applies_to=by_body[body][0] if by_body[body] else "", next_cycle=next_cycle, credentials=links,
    )


def _checked_text(data: ActivityInput) -> tuple[str, str, str, str]:
    """The title, provider, reference and second reference, stripped and within their limits (and
    a completion date given): Invalid naming the first field that is not."""
    if data.completed_on is None:
        raise Invalid("completed_on", "Enter the date you completed the activity.")
    title = (data.title or "").strip()
    if not title:
        raise Invalid("title", "Enter the activity's title, as on its certificate.")
    if len(title) > limits.CEU_TITLE:
        raise Invalid("title", limits.too_long(limits.CEU_TITLE))
    provider = (data.provider or "").strip()
    if len(provider) > limits.CEU_PROVIDER:
        raise Invalid("provider", limits.too_long(limits.CEU_PROVIDER))
    reference = (data.reference or "").strip()
    second_reference = (data.second_reference or "").strip()
    for field, value in (("reference", reference), ("second_reference", second_reference)):
        if len(value) > limits.CEU_REFERENCE:
            raise Invalid(field, limits.too_long(limits.CEU_REFERENCE))
    return title, provider, reference, second_reference


def _targets_by_body(user: User, counts_toward: str | list[str] | tuple[str, ...], held: list[Credential], allow_unassigned: bool) -> dict[str, list[str]]:
    """The chosen targets grouped by body ("aapc" -> its codes; none: the body as a whole), at
    most two bodies, each one the user may choose."""
    valid = {value for value, _label, _body in counts_toward_choices(user, include_replaced=True)}
    if allow_unassigned:
        valid |= {credential.body for credential in held}
    targets = _targets(counts_toward)
    if not targets or any(t not in valid for t in targets):
        raise Invalid("counts_toward", "Choose what this activity counts toward (add the credential first if it is missing).")
    by_body: dict[str, list[str]] = {}
    for target in targets:
        body, _, code = target.partition(":")
        by_body.setdefault(body, [])
        if code:
            by_body[body].append(code)
    if len(by_body) > 2:
        raise Invalid("counts_toward", "An activity counts toward two certifying bodies at most.")
    return by_body


def _check_both_approvals(first: BodyRules, second: BodyRules, reference: str, second_reference: str) -> None:
    """An activity counting toward two bodies carries both bodies' approvals."""
    if not reference:
        raise Invalid("reference", f"Enter the {first.reference_label}: an activity counts toward two bodies only with both approvals.")
    if not second_reference:
        raise Invalid("second_reference", (
            f"Enter the {second.reference_label} too: an activity counts toward both {first.name} "
            f"and {second.name} only when it carries both approvals."
        ))


def _cycle_and_links(
    data: ActivityInput, by_body: dict[str, list[str]], found: dict[str, tuple[BodyRules, list[Credential], Setup]], today: dt.date,
) -> tuple[bool, list[Credential]]:
    """Whether a CEU of a renewal month counts toward the next cycle, and the credentials it is
    linked to; Invalid when a body's rules or cycles refuse it."""
    next_cycle = False
    links: list[Credential] = []
    for index, (body_id, codes) in enumerate(by_body.items()):
        rules, credentials, setup = found[body_id]
        if rules.one_credential_per_activity and len(codes) > 1:
            raise Invalid("counts_toward", f"{rules.name} counts a CEU toward one credential only: choose one of {', '.join(codes)}.")
        problem = cycles.check_activity(rules, setup, data.completed_on, tuple(codes), today)
        if problem:
            raise Invalid("completed_on", problem)
        if cycles.in_renewal_month_overlap(rules, setup, data.completed_on):
            if data.next_cycle is None:
                cycle = cycles.cycle_containing(rules, setup, data.completed_on)
                raise Invalid("next_cycle", (
                    f"{data.completed_on:%B %Y} is your {rules.name} renewal month: CEUs from it may count "
                    f"toward the cycle ending {long_date(cycle.end)} or the next one. Choose which."
                ))
            next_cycle = bool(data.next_cycle)
        chosen = [c for c in credentials if c.code in codes]
        if not chosen and not rules.one_credential_per_activity:
            # General CEUs: linked to the credentials they count for as a whole (CPC, CRC...).
            chosen = [c for c in credentials if c.replaced_on is None and not rules.credentials[c.code].subset_ceus]
        if not chosen and index:
            chosen = credentials[:1]
        links += chosen
    return next_cycle, links


def in_overlap(user: User, counts_toward: str | list[str], day: dt.date | None) -> bool:
    """Whether the form should ask which cycle a CEU on ``day`` counts toward."""
    if day is None:
        return False
    for target in _targets(counts_toward):
        body = target.partition(":")[0]
        if body not in bodies():
            continue
        credentials = [c for c in list_credentials(user) if c.body == body]
        row = get_setup(user, body)
        if credentials and row is not None and cycles.in_renewal_month_overlap(rules_for(body), _setup(credentials, row), day):
            return True
    return False


def add_activity(
    user: User, data: ActivityInput, today: dt.date, certificate: tuple[str, BinaryIO] | None = None
) -> CeuActivity:
    """Log a CEU activity (and store its certificate): all of it, or nothing."""
    values = checked_activity(user, data, today)
    activity = CeuActivity(user_id=user.id, **values)
    stored = certificates.store_certificate(user, activity, certificate) if certificate else None
    try:
        db.session.add(activity)
        commit()
    except Exception:
        db.session.rollback()
        if stored:
            stored.unlink(missing_ok=True)
        raise
    return activity


def update_activity(
    user: User, activity: CeuActivity, data: ActivityInput, today: dt.date,
    certificate: tuple[str, BinaryIO] | None = None, remove_certificate: bool = False,
) -> None:
    """Change a CEU activity; a new certificate replaces the old one."""
    values = checked_activity(user, data, today)
    old_file = activity.certificate_file
    stored = None
    if certificate:
        stored = certificates.store_certificate(user, activity, certificate)
    elif remove_certificate:
        activity.certificate_name = activity.certificate_file = activity.certificate_type = None
        activity.certificate_size = None
    for key, value in values.items():
        setattr(activity, key, value)
    try:
        commit()
    except Exception:
        db.session.rollback()
        if stored:
            stored.unlink(missing_ok=True)
        raise
    if old_file and old_file != activity.certificate_file:
        certificates.stored_path(user, old_file).unlink(missing_ok=True)


def delete_activity(user: User, activity: CeuActivity) -> None:
    name = activity.certificate_file
    db.session.delete(activity)
    commit()
    if name:
        certificates.stored_path(user, name).unlink(missing_ok=True)
