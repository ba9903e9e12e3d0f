"""Files that are no honest certificate: refused by the reader with a message, never a hang, a
crash of the web process or a 500. The reader runs in its own process with a time limit."""
from __future__ import annotations

import io
import struct
import time
import zlib
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from tracker.domain import limits
from tracker.reading import Unreadable, read_certificate, read_lines

CORPUS = Path(__file__).parent / "certificates"


def refusal(data: bytes, **kwargs) -> str:
    with pytest.raises(Unreadable) as refused:
        read_lines(data, **kwargs)
    return refused.value.message


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png(width: int, height: int, pixels: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(pixels, 9))
            + png_chunk(b"IEND", b""))


def pdf_bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.slow
def test_a_decompression_bomb_png_is_refused_before_it_is_unpacked():
    # 60 000 × 60 000 pixels of grey: 3.6 GB unpacked, a few kB packed.
    bomb = png(60_000, 60_000, b"\x00" * 60_001 * 50)
    assert len(bomb) < 100_000
    assert "far larger than a certificate photo" in refusal(bomb)


@pytest.mark.slow
def test_a_png_just_over_the_pixel_limit_is_refused_too():
    side = int((limits.READER_MAX_PIXELS * 1.2) ** 0.5)
    assert "far larger than a certificate photo" in refusal(png(side, side, b"\x00" * (side + 1) * 10))


@pytest.mark.slow
def test_a_pdf_of_5000_pages_is_refused_by_its_page_count():
    writer = PdfWriter()
    for _ in range(5000):
        writer.add_blank_page(612, 792)
    message = refusal(pdf_bytes(writer))
    assert "5000 pages" in message and f"at most {limits.READER_MAX_PAGES}" in message


@pytest.mark.slow
def test_an_encrypted_pdf_is_refused_with_what_to_do():
    writer = PdfWriter(clone_from=str(CORPUS / "aapc_webinar.pdf"))
    writer.encrypt("secret")
    assert "protected by a password" in refusal(pdf_bytes(writer))


@pytest.mark.slow
def test_a_pdf_with_javascript_is_read_as_text_and_its_script_never_runs():
    writer = PdfWriter(clone_from=str(CORPUS / "aapc_webinar.pdf"))
    # An open action that runs a script, as a PDF viewer would on opening it.
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('hello');"),
    })
    assert b"/JavaScript" in pdf_bytes(writer)
    reading = read_certificate(pdf_bytes(writer))
    assert reading.fields.value("reference") == "WEB0926418"


@pytest.mark.slow
def test_a_damaged_pdf_is_refused():
    assert "damaged" in refusal(b"%PDF-1.7\n" + b"\xff\x00trailer<<>>" * 100)


@pytest.mark.slow
def test_a_truncated_photo_is_refused():
    photo = (CORPUS / "no_index_photo.jpg").read_bytes()
    assert "damaged" in refusal(photo[:2000])


def test_a_file_over_the_size_limit_is_refused_unread():
    assert "larger than" in refusal(b"%PDF-1.4\n" + b"0" * limits.CERTIFICATE_MAX_BYTES)


@pytest.mark.slow
def test_a_file_that_is_no_pdf_png_or_jpeg_is_refused():
    assert "PDF, PNG or JPEG" in refusal(b"GIF89a" + b"\x00" * 100)


@pytest.mark.slow
def test_a_reading_past_the_time_limit_is_stopped():
    started = time.monotonic()
    message = refusal((CORPUS / "no_index_photo.jpg").read_bytes(), seconds=0.2)
    assert "took longer than 0.2 seconds" in message
    assert time.monotonic() - started < 10
