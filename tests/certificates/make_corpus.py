"""Make the certificate corpus the reader is tested and measured on: python tests/certificates/make_corpus.py

Each certificate is written the way its kind arrives: a text PDF from a webinar platform, a
scanned PDF (one picture per page, no text), a PNG screenshot, or a phone photo of the printed
page (tilted, shadowed, JPEG noise). Next to each goes NAME.json with the fields a careful reader
takes from it; a field the certificate does not carry is null.

The files are committed; run this again only to change the corpus (the output is deterministic:
fixed seeds, fixed fonts).
"""
from __future__ import annotations

import io
import json
import random
from pathlib import Path

import pypdfium2
from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFilter

HERE = Path(__file__).parent

# name, layout, font, lines..., expected fields
CERTIFICATES = [
    {
        "name": "aapc_webinar", "layout": "centered", "font": "Helvetica",
        "lines": [
            ("h1", "Certificate of Completion"),
            ("p", "This certifies that"),
            ("h2", "Maria Lopez, CPC"),
            ("p", "has successfully completed the AAPC webinar"),
            ("h2", "E/M Auditing: Medical Decision Making in 2026"),
            ("p", "Date of Completion: November 4, 2026"),
            ("p", "Sponsored by: AAPC"),
            ("p", "Index Number: WEB0926418"),
            ("p", "CEUs Approved: 1.0"),
        ],
        "expected": {"completed_on": "2026-11-04", "title": "E/M Auditing: Medical Decision Making in 2026",
                     "provider": "AAPC", "ceus": "1.0", "reference": "WEB0926418", "credentials": []},
    },
    {
        "name": "aapc_workshop", "layout": "left", "font": "Times",
        "lines": [
            ("h1", "AAPC Workshop Certificate"),
            ("p", "Awarded to Daniel Okafor for attending"),
            ("h2", "ICD-10-CM and Procedure Coding Updates Workshop"),
            ("p", "Held on: October 12, 2026 in Columbus, OH"),
            ("p", "Sponsoring Organization: AAPC"),
            ("p", "This workshop has been approved for 4.0 CEUs"),
            ("p", "Index #: WKS2612045"),
        ],
        "expected": {"completed_on": "2026-10-12", "title": "ICD-10-CM and Procedure Coding Updates Workshop",
                     "provider": "AAPC", "ceus": "4.0", "reference": "WKS2612045", "credentials": []},
    },
    {
        "name": "local_chapter", "layout": "table", "font": "Helvetica",
        "lines": [
            ("h1", "Tampa Bay Local Chapter"),
            ("p", "Continuing Education Certificate"),
            ("row", "Member", "Aisha Grant"),
            ("row", "Program", "Risk Adjustment Documentation Pitfalls"),
            ("row", "Date", "10/14/2026"),
            ("row", "Sponsor", "Tampa Bay Chapter of AAPC"),
            ("row", "CEUs", "2.0"),
            ("row", "Index #", "CHP4471201"),
        ],
        "expected": {"completed_on": "2026-10-14", "title": "Risk Adjustment Documentation Pitfalls",
                     "provider": "Tampa Bay Chapter of AAPC", "ceus": "2.0", "reference": "CHP4471201", "credentials": []},
    },
    {
        "name": "vendor_course", "layout": "left", "font": "Courier",
        "lines": [
            ("h1", "Precision Coding Education"),
            ("p", "Certificate of Attendance"),
            ("p", "Course Title: Modifier 25 and 59 Deep Dive"),
            ("p", "Participant: Sam Whitfield"),
            ("p", "Completed: 2026-09-22"),
            ("p", "Provider: Precision Coding Education, Inc."),
            ("p", "This program has the prior approval of AAPC"),
            ("p", "for 1.5 continuing education units."),
            ("p", "Index Number: MRP0927366"),
        ],
        "expected": {"completed_on": "2026-09-22", "title": "Modifier 25 and 59 Deep Dive",
                     "provider": "Precision Coding Education, Inc.", "ceus": "1.5", "reference": "MRP0927366", "credentials": []},
    },
    {
        "name": "ahima_webinar", "layout": "centered", "font": "Times",
        "lines": [
            ("h1", "AHIMA Certificate of Completion"),
            ("p", "Presented to Priya Nair, RHIT"),
            ("p", "for completing the virtual program"),
            ("h2", "CDI Query Compliance for Inpatient Records"),
            ("p", "Completion Date: 03 Aug 2026"),
            ("p", "Provider: American Health Information Management Association"),
            ("p", "AHIMA Program ID: AHM26-0418"),
            ("p", "Approved for 1.0 CEU for RHIA, RHIT, CCS"),
        ],
        "expected": {"completed_on": "2026-08-03", "title": "CDI Query Compliance for Inpatient Records",
                     "provider": "American Health Information Management Association", "ceus": "1.0",
                     "reference": "AHM26-0418", "credentials": ["RHIA", "RHIT", "CCS"]},
    },
    {
        "name": "two_credentials", "layout": "centered", "font": "Helvetica",
        "lines": [
            ("h1", "Certificate of Completion"),
            ("p", "This is to certify that Grace Kim"),
            ("p", "completed the on-demand course"),
            ("h2", "HCC Coding for Chronic Kidney Disease"),
            ("p", "on Sept. 15, 2026"),
            ("p", "Sponsor: Coding Clarity Academy"),
            ("p", "Approved for 1.0 CEU for CPC, CRC"),
            ("p", "AAPC Index Number: VEN1188420"),
        ],
        "expected": {"completed_on": "2026-09-15", "title": "HCC Coding for Chronic Kidney Disease",
                     "provider": "Coding Clarity Academy", "ceus": "1.0", "reference": "VEN1188420",
                     "credentials": ["CPC", "CRC"]},
    },
    {
        "name": "no_index", "layout": "left", "font": "Helvetica",
        "lines": [
            ("h1", "Certificate of Participation"),
            ("p", "Awarded to Tom Becker"),
            ("p", "Title: Compliance Basics for New Coders"),
            ("p", "Date: July 9, 2026"),
            ("p", "Presented by: Midwest Coders Network"),
            ("p", "Contact hours: 0.5"),
        ],
        "expected": {"completed_on": "2026-07-09", "title": "Compliance Basics for New Coders",
                     "provider": "Midwest Coders Network", "ceus": "0.5", "reference": None, "credentials": []},
    },
    {
        "name": "vendor_subset", "layout": "table", "font": "Times",
        "lines": [
            ("h1", "Outpatient Coding Institute"),
            ("p", "Certificate of Completion"),
            ("row", "Attendee", "Luis Romero"),
            ("row", "Course", "Interventional Radiology Coding"),
            ("row", "Completion Date", "12/01/2026"),
            ("row", "Sponsor", "Outpatient Coding Institute"),
            ("row", "CEUs Approved", "1.25"),
            ("row", "AAPC Index Number", "OCI2611907"),
            ("row", "Approved for", "CPC, CIRCC"),
        ],
        "expected": {"completed_on": "2026-12-01", "title": "Interventional Radiology Coding",
                     "provider": "Outpatient Coding Institute", "ceus": "1.25", "reference": "OCI2611907",
                     "credentials": ["CPC", "CIRCC"]},
    },
]

# How each certificate is delivered: text PDF, scanned PDF, PNG screenshot, phone photo.
DELIVERIES = [
    ("aapc_webinar", "text"), ("aapc_workshop", "text"), ("local_chapter", "text"),
    ("vendor_course", "text"), ("ahima_webinar", "text"), ("two_credentials", "text"),
    ("no_index", "text"), ("vendor_subset", "text"),
    ("aapc_workshop", "scan"), ("ahima_webinar", "scan"),
    ("local_chapter", "png"),
    ("aapc_webinar", "photo"), ("two_credentials", "photo"), ("vendor_course", "photo"),
    ("vendor_subset", "photo"), ("no_index", "photo"),
]


def text_pdf(cert: dict) -> bytes:
    """The certificate as a webinar platform sends it: landscape Letter, real text."""
    pdf = FPDF(orientation="L", unit="mm", format="Letter")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(40, 70, 120)
    pdf.set_line_width(1.5)
    pdf.rect(10, 10, 259.4, 195.9)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, 251.4, 187.9)
    font, layout = cert["font"], cert["layout"]
    pdf.set_y(32)
    for kind, *parts in cert["lines"]:
        if kind == "h1":
            pdf.set_font(font, "B", 26)
            pdf.cell(0, 14, parts[0], align="C" if layout != "left" else "L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(6)
        elif kind == "h2":
            pdf.set_font(font, "B", 18)
            pdf.cell(0, 11, parts[0], align="C" if layout != "left" else "L", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        elif kind == "row":
            pdf.set_x(40)
            pdf.set_font(font, "B", 14)
            pdf.cell(70, 10, parts[0] + ":", border="B")
            pdf.set_font(font, "", 14)
            pdf.cell(130, 10, parts[1], border="B", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font(font, "", 14)
            if layout == "left":
                pdf.set_x(30)
            pdf.cell(0 if layout != "left" else 220, 9, parts[0], align="C" if layout != "left" else "L",
                     new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(font, "I", 10)
    pdf.set_xy(30, 185)
    pdf.cell(0, 6, "Keep this certificate for your records for at least the length of your cycle.")
    return bytes(pdf.output())


def picture(pdf: bytes, dpi: int = 150) -> Image.Image:
    page = pypdfium2.PdfDocument(pdf)[0]
    return page.render(scale=dpi / 72).to_pil().convert("RGB")


def scanned_pdf(image: Image.Image, seed: int) -> bytes:
    """A flatbed scan: grey, slightly rotated, saved as a picture inside a PDF (no text)."""
    rng = random.Random(seed)
    scan = image.convert("L").rotate(rng.uniform(-1.2, 1.2), expand=False, fillcolor=255, resample=Image.BICUBIC)
    scan = scan.filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    scan.save(buffer, "JPEG", quality=70)
    pdf = FPDF(orientation="L", unit="mm", format="Letter")
    pdf.add_page()
    pdf.image(io.BytesIO(buffer.getvalue()), x=0, y=0, w=279.4, h=215.9)
    return bytes(pdf.output())


def phone_photo(image: Image.Image, seed: int) -> bytes:
    """The printed page photographed on a desk: tilted, shadowed on one side, noisy JPEG."""
    rng = random.Random(seed)
    width, height = image.size
    desk = Image.new("RGB", (int(width * 1.15), int(height * 1.2)), (118, 96, 74))
    angle = rng.choice([-1, 1]) * rng.uniform(2.5, 5.0)
    page = image.rotate(angle, expand=True, fillcolor=(118, 96, 74), resample=Image.BICUBIC)
    desk.paste(page, ((desk.width - page.width) // 2, (desk.height - page.height) // 2))
    # A shadow across one side: darker toward the edge the phone's hand stands over.
    shadow = Image.new("L", desk.size, 0)
    draw = ImageDraw.Draw(shadow)
    side = rng.choice(["left", "right", "top"])
    for i in range(0, desk.width if side != "top" else desk.height, 4):
        depth = max(0, 110 - i // 4)
        if side == "left":
            draw.rectangle([i, 0, i + 4, desk.height], fill=depth)
        elif side == "right":
            draw.rectangle([desk.width - i - 4, 0, desk.width - i, desk.height], fill=depth)
        else:
            draw.rectangle([0, i, desk.width, i + 4], fill=depth)
    desk = Image.composite(Image.new("RGB", desk.size, (0, 0, 0)), desk, shadow.filter(ImageFilter.GaussianBlur(30)))
    # Sensor noise and a phone's eager sharpening, then a middling JPEG.
    noise = Image.effect_noise(desk.size, 18).convert("RGB")
    desk = Image.blend(desk, noise, 0.08).filter(ImageFilter.GaussianBlur(0.7))
    buffer = io.BytesIO()
    desk.save(buffer, "JPEG", quality=rng.randint(55, 70))
    return buffer.getvalue()


def main() -> None:
    certificates = {c["name"]: c for c in CERTIFICATES}
    for seed, (name, delivery) in enumerate(DELIVERIES):
        cert = certificates[name]
        pdf = text_pdf(cert)
        if delivery == "text":
            filename, data = f"{name}.pdf", pdf
        elif delivery == "scan":
            filename, data = f"{name}_scan.pdf", scanned_pdf(picture(pdf, 150), seed)
        elif delivery == "png":
            filename, data = f"{name}_screenshot.png", _png(picture(pdf, 110))
        else:
            filename, data = f"{name}_photo.jpg", phone_photo(picture(pdf, 130), seed)
        (HERE / filename).write_bytes(data)
        expected = {"delivery": delivery, **cert["expected"]}
        (HERE / f"{filename.rsplit('.', 1)[0]}.json").write_text(json.dumps(expected, indent=2) + "\n")
        print(filename, len(data))


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


if __name__ == "__main__":
    main()
