"""CEU certificates on disk: checked by content and size, stored under random names in one folder
per user, counted against the user's quota, and found again to serve or export.

The rows that name them are CEU activities (:mod:`tracker.services.credentials`); this module only
looks after the files.
"""
from __future__ import annotations

import re
import secrets
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import CeuActivity, User
from .errors import Invalid, NotFound

# What a certificate may be, told by its first bytes (never by its name).
CERTIFICATE_TYPES = {
    b"%PDF-": ("application/pdf", "pdf"),
    b"\x89PNG\r\n\x1a\n": ("image/png", "png"),
    b"\xff\xd8\xff": ("image/jpeg", "jpg"),
}


class TooLarge(Invalid):
    """A certificate over the size limit (the edge answers 413)."""


def _certificate_dir(user: User) -> Path:
    return Path(current_app.config["CERTIFICATE_DIR"]) / str(user.id)


def stored_path(user: User, stored_name: str) -> Path:
    if not re.fullmatch(r"[a-f0-9]{32}\.(pdf|png|jpg)", stored_name):
        raise NotFound("certificate")
    return _certificate_dir(user) / stored_name


def certificate_path(user: User, activity: CeuActivity) -> Path:
    """Where an activity's certificate is stored; NotFound when it has none."""
    if not activity.certificate_file:
        raise NotFound("certificate")
    path = stored_path(user, activity.certificate_file)
    if not path.is_file():
        raise NotFound("certificate")
    return path


def safe_certificate_name(name: str) -> str:
    """The name a certificate was uploaded under, made harmless for display and download."""
    base = Path((name or "").replace("\\", "/")).name
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .") or "certificate"
    return base[:120]


def store_certificate(user: User, activity: CeuActivity, upload: tuple[str, BinaryIO]) -> Path:
    """Check a certificate by its content and size and write it under a random name."""
    filename, stream = upload
    limit = current_app.config["CERTIFICATE_MAX_BYTES"]
    data = stream.read(limit + 1)
    mime, extension = check_certificate(data)
    _lock_account(user)
    used = db.session.execute(
        select(func.coalesce(func.sum(CeuActivity.certificate_size), 0)).where(
            CeuActivity.user_id == user.id, CeuActivity.id != (activity.id or 0)
        )
    ).scalar_one()
    check_certificate_quota(used + len(data))
    path = write_certificate(user, data, extension)
    activity.certificate_name = safe_certificate_name(filename)
    activity.certificate_file = path.name
    activity.certificate_type = mime
    activity.certificate_size = len(data)
    return path


def _lock_account(user: User) -> None:
    """Hold the user's row until this transaction ends, so that uploads sent at once are counted
    against the quota one after another, never each against the total before the others.

    An UPDATE rather than SELECT ... FOR UPDATE: SQLAlchemy drops FOR UPDATE on SQLite, where the
    UPDATE takes the database's write lock instead (and, being the transaction's first write,
    waits for it without reading a stale snapshot). PostgreSQL locks the row.
    """
    users = User.__table__
    db.session.execute(users.update().where(users.c.id == user.id).values(id=users.c.id))


def certificate_limit() -> int:
    """The largest certificate accepted, in bytes (CERTIFICATE_MAX_BYTES)."""
    return current_app.config["CERTIFICATE_MAX_BYTES"]


def check_certificate(data: bytes) -> tuple[str, str]:
    """A certificate's (MIME type, extension), told by its first bytes; Invalid (TooLarge) when it
    is empty, too large or not a PDF, PNG or JPEG."""
    limit = certificate_limit()
    if len(data) > limit:
        raise TooLarge("certificate", f"The certificate is larger than {limit // 1_000_000} MB.")
    if not data:
        raise Invalid("certificate", "The certificate file is empty.")
    kind = next((v for magic, v in CERTIFICATE_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        raise Invalid("certificate", "A certificate must be a PDF, PNG or JPEG file (this file is none of them, whatever its name).")
    return kind


def check_certificate_quota(total_bytes: int) -> None:
    """Invalid when one user's certificates would take more than CERTIFICATE_QUOTA_BYTES."""
    quota = current_app.config["CERTIFICATE_QUOTA_BYTES"]
    if total_bytes > quota:
        raise Invalid("certificate", f"Your certificates would take more than {quota // 1_000_000} MB: delete some old ones first.")


def write_certificate(user: User, data: bytes, extension: str) -> Path:
    """Write a checked certificate into the user's folder under a new random name."""
    folder = _certificate_dir(user)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{secrets.token_hex(16)}.{extension}"
    path.write_bytes(data)
    return path


def certificate_folder(user: User) -> Path:
    """The folder that holds the user's certificates (it may not exist)."""
    return _certificate_dir(user)


def download_name(activity: CeuActivity) -> str:
    """The file name an auditor sees: date, reference and title, then the stored type's extension."""
    extension = (activity.certificate_file or ".pdf").rsplit(".", 1)[-1]
    parts = [activity.completed_on.isoformat(), activity.reference, activity.title]
    slug = re.sub(r"[^A-Za-z0-9]+", "-", "_".join(p for p in parts if p)).strip("-")[:90]
    return f"{activity.id}_{slug}.{extension}"
