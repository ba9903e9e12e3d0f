"""Certificates read for the CEU form: the file is kept, read off the request thread in a small
pool, and its fields are offered to the form (or the API) for the coder to confirm.

A read is a row (:class:`~tracker.models.CertificateRead`): pending, then done with the fields
read, or failed with a message. Its file waits in the owner's certificate folder; saving a CEU
with the read stores the file with the CEU like any upload and drops the read.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import BinaryIO

from flask import Flask, current_app
from sqlalchemy import select

from ..domain import limits
from ..domain.clock import utc_now
from ..extensions import db
from ..models import CertificateRead, User
from ..reading import Unreadable, read_certificate
from . import certificates
from .credentials import bodies, counts_toward_choices
from .errors import NotFound
from .transaction import commit

log = logging.getLogger(__name__)

# Two readings at once: this machine's two cores. More would only queue inside the OCR engine.
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="certificate-read")
_futures: dict[tuple[str, int], Future] = {}
_futures_lock = threading.Lock()
# A read still pending this long after it started was lost (the process stopped): say so.
LOST_AFTER = dt.timedelta(seconds=limits.READER_SECONDS + 60)
# Reads never saved with a CEU are dropped, with their files, after a day.
KEPT_FOR = dt.timedelta(days=1)
MESSAGE_LOST = "Reading this certificate did not finish. Try again, or type its details in."


def known_credentials() -> list[str]:
    """Every credential code an approval line may name (CPC, CRC, RHIT...), from plans/."""
    return sorted({code for rules in bodies().values() for code in rules.credentials})


def start_read(user: User, upload: tuple[str, BinaryIO]) -> CertificateRead:
    """Keep a certificate file and start reading it in the pool; Invalid (TooLarge) for a file
    that is empty, too large or not a PDF, PNG or JPEG."""
    read = _keep(user, upload)
    app = current_app._get_current_object()
    future = _pool.submit(_read_in_pool, app, read.id)
    with _futures_lock:
        _futures[(_key(app), read.id)] = future
    future.add_done_callback(lambda _f, key=(_key(app), read.id): _forget(key))
    return read


def read_now(user: User, upload: tuple[str, BinaryIO], seconds: float = limits.READER_API_SECONDS) -> CertificateRead:
    """Keep a certificate file and read it on this thread (the API: one answer, within ``seconds``)."""
    read = _keep(user, upload)
    _read(read, seconds)
    return read


def wait(read: CertificateRead, seconds: float) -> bool:
    """Wait up to ``seconds`` for a read started here to finish; True when it has."""
    with _futures_lock:
        future = _futures.get((_key(current_app._get_current_object()), read.id))
    if future is not None:
        try:
            future.result(timeout=seconds)
        except FutureTimeout:
            return False
    db.session.refresh(read)
    return read.status != "pending"


def get_read(user: User, read_id: int) -> CertificateRead:
    """The user's read; NotFound for anyone else's, or one gone."""
    read = db.session.get(CertificateRead, read_id) if 0 < read_id <= limits.MAX_ID else None
    if read is None or read.user_id != user.id:
        raise NotFound("certificate read")
    if read.status == "pending" and utc_now() - read.created_at > LOST_AFTER:
        _finish(read, "failed", {"message": MESSAGE_LOST})
    return read


def read_state(read: CertificateRead) -> dict:
    """What a read says: its status, the fields read (name → value and confidence) and, when it
    failed, why."""
    result = json.loads(read.result) if read.result else {}
    return {
        "id": read.id,
        "status": read.status,
        "fields": result.get("fields", {}),
        "message": result.get("message"),
        "source": result.get("source"),
        "file_name": read.file_name,
    }


def form_values(user: User, read: CertificateRead) -> dict:
    """The CEU form's fields from a read: only those read; credentials as the form's choices."""
    fields = read_state(read)["fields"]
    values = {name: fields[name]["value"] for name in ("title", "provider", "reference", "ceus") if name in fields}
    if "completed_on" in fields:
        values["completed_on"] = dt.date.fromisoformat(fields["completed_on"]["value"])
    if "credentials" in fields:
        choices = counts_toward_choices(user)
        chosen = _counts_toward(fields["credentials"]["value"], [value for value, _l, _b in choices])
        if chosen:
            values["counts_toward"] = chosen
    return values


def _counts_toward(codes: list[str], choices: list[str]) -> list[str]:
    """The "counts toward" choices an approval's credential codes name: the credential's own line
    (AHIMA, AAPC subset credentials) or its body's general line (other AAPC credentials)."""
    chosen: list[str] = []
    for code in codes:
        own = next((c for c in choices if ":" in c and c.split(":", 1)[1] == code), None)
        body = next((b for b, rules in bodies().items() if code in rules.credentials), None)
        pick = own or (body if body in choices else None)
        if pick and pick not in chosen:
            chosen.append(pick)
    return chosen


def certificate_of(user: User, read_id: int) -> tuple[str, BinaryIO]:
    """A read's certificate file as an upload, to be stored with the CEU being saved."""
    read = get_read(user, read_id)
    path = certificates.stored_path(user, read.stored_file)
    if not path.is_file():
        raise NotFound("certificate read")
    return read.file_name, io.BytesIO(path.read_bytes())


def drop_read(user: User, read_id: int) -> None:
    """Forget a read and delete its waiting file (after its CEU was saved with a copy)."""
    read = get_read(user, read_id)
    _delete(user, read)
    commit()


def _keep(user: User, upload: tuple[str, BinaryIO]) -> CertificateRead:
    filename, stream = upload
    data = stream.read(certificates.certificate_limit() + 1)
    mime, extension = certificates.check_certificate(data)
    _drop_old_reads(user)
    path = certificates.write_certificate(user, data, extension)
    read = CertificateRead(
        user_id=user.id, status="pending", file_name=certificates.safe_certificate_name(filename),
        stored_file=path.name, file_type=mime, file_size=len(data),
    )
    db.session.add(read)
    try:
        commit()
    except Exception:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise
    return read


def _drop_old_reads(user: User) -> None:
    old = db.session.execute(select(CertificateRead).where(
        CertificateRead.user_id == user.id, CertificateRead.created_at < utc_now() - KEPT_FOR,
    )).scalars()
    for read in old:
        _delete(user, read)


def _delete(user: User, read: CertificateRead) -> None:
    try:
        certificates.stored_path(user, read.stored_file).unlink(missing_ok=True)
    except NotFound:
        pass
    db.session.delete(read)


def _read_in_pool(app: Flask, read_id: int) -> None:
    with app.app_context():
        read = db.session.get(CertificateRead, read_id)
        if read is not None:
            _read(read)


def _read(read: CertificateRead, seconds: float | None = None) -> None:
    user = db.session.get(User, read.user_id)
    try:
        data = certificates.stored_path(user, read.stored_file).read_bytes()
        reading = read_certificate(data, known_credentials=known_credentials(), seconds=seconds)
    except Unreadable as refusal:
        _finish(read, "failed", {"message": refusal.message})
        return
    except Exception:  # a reader bug must end the read, not leave the page waiting
        log.exception("reading certificate read %s failed", read.id)
        _finish(read, "failed", {"message": "This certificate could not be read. Type its details in."})
        return
    fields = {}
    for name, found in reading.fields.found.items():
        value = found.value
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        fields[name] = {"value": value, "confidence": found.confidence}
    _finish(read, "done", {"fields": fields, "source": reading.source, "seconds": round(reading.seconds, 2)})


def _finish(read: CertificateRead, status: str, result: dict) -> None:
    read.status = status
    read.result = json.dumps(result)
    read.finished_at = utc_now()
    commit()


def _key(app: Flask) -> str:
    # Futures are told apart by app as well as id: tests run many apps, each with its own ids.
    return str(id(app))


def _forget(key: tuple[str, int]) -> None:
    with _futures_lock:
        _futures.pop(key, None)
