"""The certificate reader's own process: bytes in on stdin, the text lines out on stdout as JSON.

Run by :func:`tracker.reading.read_lines` as ``python -I child.py MAX_PAGES MAX_PIXELS``, never
imported by the app: a hostile file (a decompression bomb, a PDF that loops its parser, a page
that takes minutes to render) can only hang or crash this process, which the parent kills at its
time limit. It imports nothing of Rungs, so it starts quickly and cannot touch the database.

Answers ``{"lines": [...], "source": "text" | "ocr"}`` or ``{"refused": "why, in words for
coders"}``.
"""
from __future__ import annotations

import io
import json
import math
import resource
import sys

# A PDF page whose text layer has fewer characters than this is a scan: it is read by OCR.
MIN_TEXT_CHARS = 40
# Pictures are shrunk to this longest side before OCR: the recognizer reads each line from this
# picture (sharper keeps the spaces between words), while the detector, whose time grows with the
# area, looks for the lines on a copy of DETECT_SIDE pixels.
OCR_LONGEST_SIDE = 2000
DETECT_SIDE = 736
# Scanned PDF pages are rendered at this resolution for OCR.
RENDER_DPI = 150
MEMORY_BYTES = 3 * 1024**3


class Refused(Exception):
    """The file cannot be read; the message is for the person who sent it."""


def main() -> None:
    max_pages, max_pixels = int(sys.argv[1]), int(sys.argv[2])
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    except (ValueError, OSError):  # a platform that will not say; the time limit still holds
        pass
    data = sys.stdin.buffer.read()
    try:
        answer = read(data, max_pages, max_pixels)
    except Refused as refusal:
        answer = {"refused": str(refusal)}
    except MemoryError:
        answer = {"refused": "This file needs more memory to open than a certificate ever does."}
    sys.stdout.write(json.dumps(answer))


def read(data: bytes, max_pages: int, max_pixels: int) -> dict:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels
    if data.startswith(b"%PDF-"):
        return read_pdf(data, max_pages, max_pixels)
    if data.startswith(b"\x89PNG\r\n\x1a\n") or data.startswith(b"\xff\xd8\xff"):
        return {"lines": ocr(open_picture(data)), "source": "ocr"}
    raise Refused("A certificate must be a PDF, PNG or JPEG file.")


def open_picture(data: bytes):
    import warnings

    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data))
            if picture.width * picture.height > Image.MAX_IMAGE_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            picture.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused("This picture is far larger than a certificate photo: take a smaller one.") from None
    except Exception:
        raise Refused("This picture is damaged or not really a PNG or JPEG: it could not be opened.") from None
    # A phone stores the photo sideways with a note to turn it: turn it.
    picture = ImageOps.exif_transpose(picture)
    return picture.convert("RGB")


def read_pdf(data: bytes, max_pages: int, max_pixels: int) -> dict:
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings about sloppy PDFs
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise Refused("This PDF is protected by a password: save it without one (Print → Save as PDF) and try again.")
        pages = len(reader.pages)
    except Refused:
        raise
    except (PdfReadError, Exception):
        raise Refused("This PDF is damaged: it could not be opened.") from None
    if pages == 0:
        raise Refused("This PDF has no pages.")
    if pages > max_pages:
        raise Refused(f"This PDF has {pages} pages; a certificate has at most {max_pages}. Send the certificate's own pages.")
    lines: list[str] = []
    scanned: list[int] = []
    for number, page in enumerate(reader.pages):
        try:
            text = page.extract_text() or ""
        except Exception:
            text = ""
        page_lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        if sum(len(line) for line in page_lines) < MIN_TEXT_CHARS:
            scanned.append(number)
        lines += page_lines
    if not scanned:
        return {"lines": lines, "source": "text"}
    return {"lines": lines + render_and_ocr(data, scanned, max_pixels), "source": "ocr"}


def render_and_ocr(data: bytes, numbers: list[int], max_pixels: int) -> list[str]:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except Exception:
        raise Refused("This PDF is damaged: it could not be opened.") from None
    lines: list[str] = []
    for number in numbers:
        page = document[number]
        width, height = page.get_size()
        scale = RENDER_DPI / 72
        if width * height * scale * scale > max_pixels or width <= 0 or height <= 0:
            raise Refused("A page of this PDF is far larger than a certificate.")
        lines += ocr(page.render(scale=scale).to_pil().convert("RGB"))
    return lines


def ocr(picture) -> list[str]:
    import numpy
    from rapidocr_onnxruntime import RapidOCR
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    longest = max(picture.size)
    if longest > OCR_LONGEST_SIDE:
        ratio = OCR_LONGEST_SIDE / longest
        picture = picture.resize((round(picture.width * ratio), round(picture.height * ratio)))
    # One thread per reading: readings run side by side in the pool, and on a busy 2-core machine
    # one thread each wastes least time waiting.
    engine = RapidOCR(intra_op_num_threads=1, inter_op_num_threads=1)
    # RapidOCR 1.4 rounds its "max" detection size up to 960, 1500 or 2000 px whatever it is told:
    # set the detector's resize directly (certificate print stays findable at 736 px, and the
    # detector takes a quarter of the time it takes at 1500).
    detector = engine.text_det
    detector.get_preprocess = lambda _longest: DetPreProcess(DETECT_SIDE, "max", detector.mean, detector.std)
    # No turned-line classifier: a certificate's lines are upright (a phone turns its photo by EXIF).
    result, _elapsed = engine(numpy.asarray(picture)[:, :, ::-1], use_cls=False)  # the engine wants BGR
    return group_lines(result or [])


def group_lines(boxes: list) -> list[str]:
    """OCR boxes (four corners, text, score) put back into lines of the page, top to bottom.

    The page in a photo is tilted: boxes of one line are compared after turning their centres by
    the page's tilt (the median slope of the boxes' top edges), so a label and its value on the
    far side of a table row still make one line.
    """
    if not boxes:
        return []
    slopes = []
    for corners, _text, _score in boxes:
        (x0, y0), (x1, y1) = corners[0], corners[1]
        if x1 - x0 > 20:
            slopes.append(math.atan2(y1 - y0, x1 - x0))
    angle = sorted(slopes)[len(slopes) // 2] if slopes else 0.0
    cos, sin = math.cos(-angle), math.sin(-angle)
    items = []
    for corners, text, score in boxes:
        cx = sum(p[0] for p in corners) / 4
        cy = sum(p[1] for p in corners) / 4
        height = max(1.0, math.dist(corners[0], corners[3]))
        items.append((cx * sin + cy * cos, cx * cos - cy * sin, height, text.strip(), float(score)))
    items.sort()
    rows: list[list] = []
    for item in items:
        if rows and abs(item[0] - rows[-1][-1][0]) < 0.5 * min(item[2], rows[-1][-1][2]):
            rows[-1].append(item)
        else:
            rows.append([item])
    return [" ".join(i[3] for i in sorted(row, key=lambda i: i[1]) if i[3]) for row in rows]


if __name__ == "__main__":
    main()
