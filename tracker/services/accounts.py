"""Accounts: registration, sign-in, password changes and resets, and the emails they send."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from ..domain.limits import MAX_ID, member_number_problem
from ..domain.zones import is_valid_zone
from ..extensions import db
from ..links import external_url
from ..mail import MailError
from ..models import User
from ..passwords import hash_password, needs_rehash, verify_password
from . import account_emails, identity
from .errors import Invalid
from .transaction import commit

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200
_RESET_SALT = "rungs.password-reset"
_SIGN_UP_SALT = "rungs.sign-up"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.execute(
        select(User).where(func.lower(User.email) == normalize_email(email))
    ).scalar_one_or_none()


def check_password_rules(password: str, *, field: str = "password", email: str | None = None) -> None:
    """Length rules from NIST SP 800-63B; no composition rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(field, f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(field, f"Use at most {MAX_PASSWORD_LENGTH} characters.")
    if email and password.strip().lower() == normalize_email(email):
        raise Invalid(field, "Your password must not be your email address.")


def register(email: str, password: str, time_zone: str) -> User:
    """Create an account at once; the email must be new, the password long enough, the zone real.

    The web's sign-up reaches this only through an emailed link (`request_sign_up`); operators
    call it directly (`flask users create`).
    """
    email = normalize_email(email)
    if not is_valid_zone(time_zone):
        raise Invalid("time_zone", "Choose a time zone from the list.")
    check_password_rules(password, email=email)
    if find_user_by_email(email) is not None:
        raise Invalid("email", "An account with this email already exists. Sign in, or reset your password.")
    user = User(email=email, password_hash=hash_password(password), time_zone=time_zone)
    db.session.add(user)
    try:
        commit()
    except IntegrityError:
        # Two sign-ups with one address at the same moment: the other one won.
        db.session.rollback()
        raise Invalid("email", "An account with this email already exists. Sign in, or reset your password.") from None
    return user


# -- sign-up by emailed link ------------------------------------------------------------------
# Registration answers the same whether or not an address has an account: it always sends one
# email. A new address gets a signed, expiring link that finishes sign-up; a known one is told it
# already has an account. The link is stateless: it names the address, and once the account
# exists it no longer works (so it works once).

@dataclass(frozen=True)
class SignUpRequest:
    """What to send to ``email``: the finishing ``token``, or news of the ``existing`` account."""

    email: str
    token: str
    existing: User | None


def request_sign_up(email: str, secret_key: str) -> SignUpRequest:
    """The email a sign-up request for ``email`` calls for (the caller sends it and says the same
    thing whatever this returns)."""
    email = normalize_email(email)
    token = URLSafeTimedSerializer(secret_key, salt=_SIGN_UP_SALT).dumps({"email": email})
    return SignUpRequest(email=email, token=token, existing=find_user_by_email(email))


def email_for_sign_up_token(token: str, secret_key: str, max_age: int) -> str | None:
    """The address a valid, unexpired sign-up token names; None for a bad or expired one."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=_SIGN_UP_SALT).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("email"), str) or "@" not in data["email"]:
        return None
    return data["email"]


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password, or None; upgrades an outdated hash on the way."""
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    assert user is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        commit()
    return user


def end_other_sessions(user: User) -> None:
    """Invalidate every session cookie issued to this user so far."""
    user.session_version += 1


def sign_out_everywhere(user: User) -> None:
    end_other_sessions(user)
    commit()


def change_password(user: User, current: str, new: str) -> None:
    """Change the password after checking the current one; ends every other session."""
    if not verify_password(user.password_hash, current):
        raise Invalid("current_password", "That is not your current password.")
    check_password_rules(new, field="new_password", email=user.email)
    user.password_hash = hash_password(new)
    _end_everything_but_this(user)
    commit()


UNCHANGED = object()  # update_profile: leave the member number as it is


def update_profile(user: User, time_zone: str, member_number: str | None | object = UNCHANGED) -> None:
    """Change the time zone and (when given) the member number, both or neither. (The email
    changes only through `request_email_change`.)"""
    if not is_valid_zone(time_zone):
        raise Invalid("time_zone", "Choose a time zone from the list.")
    if member_number is not UNCHANGED:
        user.member_number = checked_member_number(member_number)
    user.time_zone = time_zone
    commit()


def checked_member_number(member_number: str | None) -> str | None:
    """The member number to store (None for none), or Invalid("member_number")."""
    text = (member_number or "").strip()
    problem = member_number_problem(text)
    if problem:
        raise Invalid("member_number", problem)
    return text or None


def update_member_number(user: User, member_number: str | None) -> None:
    """Set (or clear, with an empty value) the member number printed on the audit packet."""
    user.member_number = checked_member_number(member_number)
    commit()


# -- changing the email -----------------------------------------------------------------------
# Asked for with the password; it happens only when the new address follows a link sent to it
# (so nobody can move an account to an address they do not read, or to someone else's), and the
# old address is told both times. The link names the account, its proof, and the address it
# moves from: once the email has changed (or the account is gone) it no longer works.

_EMAIL_CHANGE_SALT = "rungs.email-change"


@dataclass(frozen=True)
class EmailChange:
    """A change asked for: send ``token``'s link to ``new``, and tell ``old``."""

    old: str
    new: str
    token: str


def request_email_change(user: User, new_email: str, password: str, secret_key: str) -> EmailChange:
    """Check the password and the new address; the signed link that will make the change."""
    if not verify_password(user.password_hash, password or ""):
        raise Invalid("password", "That is not your password: your email stays as it is.")
    new_email = normalize_email(new_email)
    if new_email == user.email:
        raise Invalid("new_email", "That is already your email.")
    other = find_user_by_email(new_email)
    if other is not None:
        raise Invalid("new_email", "Another account uses this email.")
    token = URLSafeTimedSerializer(secret_key, salt=_EMAIL_CHANGE_SALT).dumps(
        {"u": user.id, "old": user.email, "new": new_email, "p": identity.proof(user, f"email-change:{user.email}")}
    )
    return EmailChange(old=user.email, new=new_email, token=token)


def read_email_change(token: str, secret_key: str, max_age: int) -> tuple[User, EmailChange] | None:
    """The account and change a valid, unexpired, unused link names; None otherwise."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=_EMAIL_CHANGE_SALT).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int) or not 0 < data["u"] <= MAX_ID:
        return None
    if not isinstance(data.get("old"), str) or not isinstance(data.get("new"), str):
        return None
    user = db.session.get(User, data["u"])
    if user is None or user.email != data["old"]:
        return None  # a deleted account (its id maybe given to another), or the change was made
    if not identity.proves(user, f"email-change:{data['old']}", data.get("p")):
        return None
    return user, EmailChange(old=data["old"], new=data["new"], token=token)


def confirm_email_change(user: User, change: EmailChange) -> None:
    """Move the account to the new address (refused if another account took it meanwhile)."""
    taken = Invalid("new_email", "Another account uses this email now: your email stays as it is.")
    if find_user_by_email(change.new) is not None:
        raise taken
    user.email = change.new
    try:
        commit()
    except IntegrityError:
        db.session.rollback()
        raise taken from None


def _end_everything_but_this(user: User) -> None:
    """After a password change or reset: every session and remember cookie made so far stops
    working (a new session version, which the cookie's proof covers), reset links too (they carry
    the old hash's fingerprint), and every API token is revoked. The account secret stays, so the
    unsubscribe links in emails already sent still work."""
    from ..models import ApiToken
    from ..domain.clock import utc_now

    end_other_sessions(user)
    db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)).values(revoked_at=utc_now())
    )


def delete_account(user: User, password: str) -> None:
    """Delete the account after checking its password: every row of the user (the database
    cascades from ``users``), then the certificates folder. Files go after the commit, so a failed
    commit leaves the account whole."""
    import shutil

    from .certificates import certificate_folder

    if not verify_password(user.password_hash, password or ""):
        raise Invalid("password", "That is not your password: nothing was deleted.")
    folder = certificate_folder(user)
    from . import teams  # the teams it owns, and invitations to its address (issue 17)

    teams.forget_account(user)
    db.session.execute(delete(User).where(User.id == user.id))
    commit()
    shutil.rmtree(folder, ignore_errors=True)


# -- password reset ---------------------------------------------------------------------------
# The token carries a fingerprint of the current password hash: once the password changes (and
# argon2 salts every hash), the token no longer matches, so a link works once.

def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def make_reset_token(user: User, secret_key: str) -> str:
    return URLSafeTimedSerializer(secret_key, salt=_RESET_SALT).dumps(
        {"user": user.id, "fingerprint": _fingerprint(user), "proof": identity.proof(user, "reset")}
    )


def user_for_reset_token(token: str, secret_key: str, max_age: int) -> User | None:
    """The user a valid, unexpired, unused reset token names; None otherwise."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=_RESET_SALT).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int) or not 0 < data["user"] <= MAX_ID:
        return None
    user = db.session.get(User, data["user"])
    if user is None or data.get("fingerprint") != _fingerprint(user):
        return None
    if not identity.proves(user, "reset", data.get("proof")):
        return None  # a link made for an earlier account with this id, or before a password change
    return user


def reset_password(user: User, new: str) -> None:
    check_password_rules(new, field="password", email=user.email)
    user.password_hash = hash_password(new)
    _end_everything_but_this(user)
    commit()


# -- account emails -------------------------------------------------------------------------------
# A person waits for these, and the page answers the same whether or not one went out (nobody
# learns who has an account): a failure to send is logged for the operator, never shown.

def send_sign_up_email(sign_up: SignUpRequest) -> bool:
    """Email the link that finishes sign-up, or, for an address that already has an account, how
    to get back in. False (and logged) when it could not be sent."""
    try:
        account_emails.send_sign_up(
            sign_up.email,
            finish_link=None if sign_up.existing else external_url("auth.finish_sign_up", token=sign_up.token),
            sign_in_link=external_url("auth.login"),
            reset_link=external_url("auth.reset_request"),
        )
    except MailError:
        current_app.logger.exception("could not send a sign-up email")
        return False
    return True


def request_password_reset(email: str, secret_key: str) -> bool:
    """One email either way: a reset link to an account's address, or word that this address has
    no account. False (and logged) when it could not be sent."""
    user = find_user_by_email(email)
    try:
        if user is not None:
            token = make_reset_token(user, secret_key)
            account_emails.send_password_reset(user, external_url("auth.reset_password", token=token))
        else:
            account_emails.send_no_account(normalize_email(email), external_url("auth.register"))
    except MailError:
        current_app.logger.exception("could not send a password reset email")
        return False
    return True


def send_email_change_emails(change: EmailChange) -> bool:
    """The link to the new address, and word to the old one that a change was asked for. False
    (and logged) when they could not be sent."""
    try:
        account_emails.send_email_change_link(change.new, change.old, external_url("auth.email_change", token=change.token))
        account_emails.send_email_change_notice(change.old, change.new, done=False, reset_link=external_url("auth.reset_request"))
    except MailError:
        current_app.logger.exception("could not send an email-change link")
        return False
    return True


def tell_old_address_of_change(change: EmailChange) -> bool:
    """Tell the old address that the account moved to the new one. False (and logged) when it
    could not be sent."""
    try:
        account_emails.send_email_change_notice(change.old, change.new, done=True, reset_link=external_url("auth.reset_request"))
    except MailError:
        current_app.logger.exception("could not tell the old address of an email change")
        return False
    return True
