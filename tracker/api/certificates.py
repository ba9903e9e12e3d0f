"""Certificates read by the API: ``POST /api/v1/certificates/read`` (multipart ``file``) answers the
fields read with their confidence, and a ``read_id``; ``POST /api/v1/ceus`` with that
``certificate_read_id`` attaches the certificate to the CEU it logs.

Two steps rather than one multipart CEU create: the client shows the fields read to its user, who
confirms them (as on the page), and the CEU create stays JSON like every other operation.
"""
from __future__ import annotations


from flask import request
from flask_smorest import abort
from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from ..domain import limits
from ..domain.certificate_fields import FIELDS
from ..services import certificate_reads, certificates
from ..services.errors import Invalid
from . import call, user
from .blueprints import documents_errors, make_blueprint

blueprint = make_blueprint("certificates", "/certificates", "Certificates read for you: the fields of a CEU certificate.")


def _errors(*codes: int):
    return documents_errors(blueprint, *codes)


class CertificateFile(Schema):
    file = Upload(required=True, metadata={"description": (
        f"The certificate: a PDF (text or scanned, at most {limits.READER_MAX_PAGES} pages), or a PNG or "
        f"JPEG photo of it; {limits.CERTIFICATE_MAX_BYTES // 1_000_000} MB at most. Told by its content, "
        "not its name.")})


class FoundField(Schema):
    value = fields.Raw(required=True, metadata={"description": (
        "As read: completed_on an ISO date, ceus a decimal string as printed (\"1.25\"), credentials a "
        "list of codes (\"CPC\"), the others text.")})
    confidence = fields.Float(required=True, metadata={"description": "How sure the reading is, 0 to 1."})


class ReadFields(Schema):
    completed_on = fields.Nested(FoundField)
    title = fields.Nested(FoundField)
    provider = fields.Nested(FoundField)
    ceus = fields.Nested(FoundField)
    reference = fields.Nested(FoundField, metadata={"description": "AAPC index number or AHIMA program id."})
    credentials = fields.Nested(FoundField, metadata={"description": "The credentials it says it is approved for."})


class CertificateReadSchema(Schema):
    class Meta:
        description = (
            "The fields read from a certificate. A field the certificate does not say clearly is absent, "
            "never guessed. Give read_id as certificate_read_id when logging the CEU to attach the file "
            "(kept for a day)."
        )

    read_id = fields.Integer(required=True)
    fields_ = fields.Nested(ReadFields, required=True, data_key="fields")
    source = fields.String(required=True, validate=validate.OneOf(["text", "ocr"]), metadata={
        "description": "text: read from the PDF's text; ocr: read from a picture of the page."})


assert set(ReadFields().fields) == set(FIELDS)


@blueprint.route("/read", methods=["POST"])
@blueprint.arguments(CertificateFile, location="files")
@_errors(400, 413, 422)
@blueprint.response(200, CertificateReadSchema)
def read_certificate(files):
    """Read a certificate's fields (within the reader's time limit)."""
    unknown = sorted(set(request.form) | (set(request.files) - {"file"}))
    if unknown:  # the document allows the one file and nothing else
        abort(422, message="Send the certificate as the one part named file.",
              errors={"files": {name: ["Unknown field."] for name in unknown}})
    upload = files["file"]
    try:
        read = certificate_reads.read_now(user(), (upload.filename or "certificate", upload.stream))
    except certificates.TooLarge as error:
        abort(413, message=error.message)
    except Invalid as error:
        abort(422, message=error.message, errors={"files": {"file": [error.message]}})
    state = certificate_reads.read_state(read)
    if state["status"] != "done":
        certificate_reads.drop_read(user(), read.id)
        abort(422, message=state["message"], errors={"files": {"file": [state["message"]]}})
    return {"read_id": read.id, "fields_": state["fields"], "source": state["source"]}


def certificate_upload(data: dict):
    """The certificate of ``certificate_read_id`` as the CEU's upload (404 when not the user's)."""
    read_id = data.get("certificate_read_id")
    return call(certificate_reads.certificate_of, user(), read_id) if read_id else None


def forget_read(data: dict) -> None:
    """After the CEU was logged with its copy of the certificate, the read is dropped."""
    if data.get("certificate_read_id"):
        call(certificate_reads.drop_read, user(), data["certificate_read_id"])

