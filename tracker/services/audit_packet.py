"""A cycle's audit packet: one PDF a coder sends to an auditor.

The summary (who, member number, credentials, cycle dates, required and earned per requirement,
the CEU table with index numbers and the page of each certificate, a table of contents) is written
with fpdf2; every certificate of a CEU that counts follows it, PDFs merged page by page with pypdf
and photos placed on a page each. Every page is numbered ("page 3 of 12") and the PDF carries an
outline (bookmarks) to each part. A certificate that cannot be read (a damaged file, an encrypted
PDF, a file gone from disk) gets a page saying so: it never breaks the packet.
"""
from __future__ import annotations

import datetime as dt
import io
import logging
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter, Transformation

from ..domain.cycles import BodyRules, Standing, Tally
from ..domain.dates import long_date
from ..models import User
from .certificates import certificate_path
from .credentials import ActivityRow, BodyOverview
from .errors import NotFound

log = logging.getLogger(__name__)

# The PDF core fonts speak Latin-1: other characters are spelled the nearest way it can.
_SPELLED = {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "→": "->", "…": "...", "•": "-", "·": "-"}


def _text(value: object) -> str:
    text = "".join(_SPELLED.get(ch, ch) for ch in str(value))
    text = unicodedata.normalize("NFKD", text)
    return text.encode("latin-1", "replace").decode("latin-1")


def _ceus(value: Decimal) -> str:
    return f"{value.normalize():f}"


@dataclass
class _Part:
    """A certificate as it goes into the packet: its pages (a PDF), or why it could not be."""

    row: ActivityRow
    number: int  # its line in the CEU table
    pdf: bytes | None
    pages: int
    problem: str = ""
    first_page: int = 0  # 1-based, set once the summary's length is known


def _image_page(data: bytes, title: str) -> bytes:
    """A photo or scan of a certificate on one letter page, scaled to fit."""
    pdf = FPDF(unit="pt", format="letter")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.set_xy(36, 30)
    pdf.cell(540, 12, _text(title))
    pdf.image(io.BytesIO(data), x=36, y=50, w=540, h=700, keep_aspect_ratio=True)
    return bytes(pdf.output())


def _problem_page(title: str, problem: str) -> bytes:
    pdf = FPDF(unit="pt", format="letter")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 18, _text(f"Certificate not included: {title}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 15, _text(f"{problem} Ask the coder for a copy of this certificate."), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _certificate_part(user: User, row: ActivityRow, number: int) -> _Part:
    title = f"CEU {number}: {row.title} ({long_date(row.completed_on)})"
    try:
        data = certificate_path(user, row).read_bytes()
    except (NotFound, OSError):
        return _Part(row, number, _problem_page(title, "The stored file is missing."), 1, "missing")
    try:
        if row.certificate_file.endswith(".pdf"):
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise ValueError("encrypted with a password")
            # Copied whole here, so a damaged object deep inside fails now, on this certificate,
            # and not later while the packet is put together.
            copy = PdfWriter()
            copy.append(reader, import_outline=False)
            if not copy.pages:
                raise ValueError("no pages")
            out = io.BytesIO()
            copy.write(out)
            return _Part(row, number, out.getvalue(), len(copy.pages))
        return _Part(row, number, _image_page(data, title), 1)
    except Exception as error:  # noqa: BLE001 (a damaged file of any kind must not break the packet)
        log.warning("audit packet: certificate of CEU activity %s not included: %r", row.id, error)
        return _Part(row, number, _problem_page(title, "The stored file could not be read (it may be damaged or password-protected)."), 1, "unreadable")


class _Summary(FPDF):
    table_page = 0  # the page the CEU table starts on


def _summary(user: User, overview: BodyOverview, standing: Standing, rows: list[ActivityRow],
             parts: dict[int, _Part], today: dt.date, toc: list[tuple[str, int]]) -> FPDF:
    pdf = _Summary(unit="pt", format="letter")
    pdf.set_margins(48, 48, 48)
    pdf.set_auto_page_break(True, margin=56)
    pdf.add_page()
    _title_and_facts(pdf, user, overview, standing, today)
    _requirements(pdf, standing.tally)
    _contents(pdf, toc)
    pdf.add_page()
    pdf.table_page = pdf.page_no()  # where the contents (which may run long) point the CEU table to
    _counted_ceus(pdf, overview.rules, standing.tally, rows, parts)
    _not_counted(pdf, standing.tally)
    return pdf


def _title_and_facts(pdf: FPDF, user: User, overview: BodyOverview, standing: Standing, today: dt.date) -> None:
    """The title, the cycle, and who the packet is for: credentials held and the cycle's status."""
    cycle = standing.tally.cycle
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 24, _text(f"{overview.rules.name} CEU audit packet"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 15, _text(f"Cycle {long_date(cycle.start)} to {long_date(cycle.end)} - prepared {long_date(today)}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    held = [c for c in overview.credentials if c.replaced_on is None or c.replaced_on > cycle.start]
    facts = [
        ("Coder", user.email),
        ("Member number", user.member_number or "not given"),
        ("Credentials", ", ".join(f"{c.code} (earned {long_date(c.earned_on)})" for c in held) or "none"),
        ("Cycle", f"{long_date(cycle.start)} to {long_date(cycle.end)}"),
        ("Status", standing.label + (f", submitted {long_date(standing.submitted_on)}" if standing.submitted_on else "")),
    ]
    with pdf.table(col_widths=(30, 70), first_row_as_headings=False, line_height=15) as table:
        for label, value in facts:
            row = table.row()
            row.cell(_text(label))
            row.cell(_text(value))
    pdf.ln(12)


def _requirements(pdf: FPDF, tally: Tally) -> None:
    """What the cycle requires, overall and of each subset, against what was earned."""
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 18, "Requirements", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    lines = [("All CEUs of the cycle", tally.required, tally.earned, max(Decimal(0), tally.required - tally.earned))]
    lines += [(f"{s.code}: {s.label}", s.required, s.earned, s.needed) for s in tally.subsets]
    with pdf.table(col_widths=(52, 16, 16, 16), line_height=15, text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row(["Requirement", "Required", "Earned", "Still needed"])
        for label, required, earned, needed in lines:
            table.row([_text(label), _ceus(required), _ceus(earned), _ceus(needed)])
        for code, earned in tally.by_credential:
            table.row([_text(f"Assigned to {code}"), "-", _ceus(earned), "-"])
    pdf.ln(12)


def _contents(pdf: FPDF, toc: list[tuple[str, int]]) -> None:
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 18, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    with pdf.table(col_widths=(85, 15), first_row_as_headings=False, line_height=14, text_align=("LEFT", "RIGHT")) as table:
        for label, page in toc:
            table.row([_text(label), f"page {page}" if page else "-"])


def _counted_ceus(pdf: FPDF, rules: BodyRules, tally: Tally, rows: list[ActivityRow], parts: dict[int, _Part]) -> None:
    """The table of the CEUs that count, numbered, each with the page of its certificate."""
    pdf.set_font("Helvetica", "B", 13)
    pdf.cell(0, 18, _text(f"CEUs that count ({len(rows)}, {_ceus(tally.earned)} CEUs)"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=9)
    if not rows:
        pdf.cell(0, 14, "No CEUs logged for this cycle.", new_x="LMARGIN", new_y="NEXT")
        return
    with pdf.table(col_widths=(5, 13, 38, 16, 8, 10, 10), line_height=12,
                   text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT", "LEFT")) as table:
        table.row(["#", "Completed", "Activity (provider)", _text(rules.reference_label), "CEUs", "Counts toward", "Certificate"])
        by_id = {a.id: a for a in tally.counted}
        for number, row in enumerate(rows, start=1):
            counted = by_id[row.id]
            part = parts.get(row.id)
            certificate = "none" if part is None else (f"page {part.first_page}" if part.first_page else "-")
            if part is not None and part.problem:
                certificate += f" ({part.problem})"
            activity = row.title + (f" ({row.provider})" if row.provider else "")
            table.row([str(number), long_date(row.completed_on), _text(activity), _text(counted.reference or "-"),
                       _ceus(row.ceus), _text(", ".join(counted.applies_to) or "general"), certificate])


def _not_counted(pdf: FPDF, tally: Tally) -> None:
    if tally.not_counted:
        pdf.ln(10)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 16, "Logged but not counted", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=9)
        for item in tally.not_counted:
            pdf.multi_cell(0, 12, _text(f"- {item.activity.title} ({long_date(item.activity.completed_on)}): {item.reason}"),
                           new_x="LMARGIN", new_y="NEXT")


def build(user: User, overview: BodyOverview, standing: Standing, today: dt.date) -> bytes:
    """The packet's bytes: summary, then each counted CEU's certificate, numbered, with an outline."""
    tally = standing.tally
    rows = sorted((overview.activity_by_id[a.id] for a in tally.counted), key=lambda r: (r.completed_on, r.id))
    parts = {
        row.id: _certificate_part(user, row, number)
        for number, row in enumerate(rows, start=1) if row.certificate_file
    }
    ordered = [parts[row.id] for row in rows if row.id in parts]

    def contents(summary_pages: int, table_page: int) -> list[tuple[str, int]]:
        page = summary_pages + 1
        toc = [("Summary and requirements", 1), ("CEUs that count", table_page)]
        for part in ordered:
            part.first_page = page
            toc.append((f"CEU {part.number} certificate: {part.row.title}", page))
            page += part.pages
        return toc

    # Two passes: the certificates' page numbers depend on how long the summary is.
    # The contents has one line per certificate whatever the numbers, so the first pass tells
    # where the CEU table starts and how many pages the summary takes.
    first = _summary(user, overview, standing, rows, parts, today, contents(0, 0))
    summary_pages, table_page = first.pages_count, first.table_page
    toc = contents(summary_pages, table_page)
    summary = _summary(user, overview, standing, rows, parts, today, toc)
    if summary.pages_count != summary_pages:  # page numbers widened a line: count again
        summary_pages, table_page = summary.pages_count, summary.table_page
        toc = contents(summary_pages, table_page)
        summary = _summary(user, overview, standing, rows, parts, today, toc)

    caption = f"{overview.rules.name} CEU audit packet, {long_date(tally.cycle.start)} to {long_date(tally.cycle.end)}"
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(bytes(summary.output()))), import_outline=False)
    writer.add_outline_item(title="Summary and requirements", page_number=0)
    writer.add_outline_item(title="CEUs that count", page_number=table_page - 1)
    captions = [caption] * len(writer.pages)
    for part in ordered:
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(part.pdf)), import_outline=False)
        writer.add_outline_item(title=_text(f"CEU {part.number} certificate: {part.row.title}"), page_number=start)
        # A certificate's own pages do not say which CEU they prove: the foot of each page does.
        captions += [f"{caption} - CEU {part.number} certificate"] * (len(writer.pages) - start)
    _number_pages(writer, captions)
    writer.add_metadata({"/Title": _text(f"{overview.rules.name} CEU audit packet"), "/Author": _text(user.email)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _number_pages(writer: PdfWriter, captions: list[str]) -> None:
    """Stamp each page's caption and "page i of n" at its foot (certificates' pages too)."""
    total = len(writer.pages)
    stamps = FPDF(unit="pt")
    stamps.set_auto_page_break(False)
    boxes = []
    for index, (page, caption) in enumerate(zip(writer.pages, captions), start=1):
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        boxes.append((float(box.left), float(box.bottom)))
        stamps.add_page(format=(width, height))
        stamps.set_font("Helvetica", size=8)
        stamps.set_text_color(90, 90, 90)
        stamps.set_xy(0, height - 24)
        stamps.cell(width, 10, _text(f"{caption} - page {index} of {total}"), align="C")
    reader = PdfReader(io.BytesIO(bytes(stamps.output())))
    for index, (page, stamp, (left, bottom)) in enumerate(zip(writer.pages, reader.pages, boxes), start=1):
        try:
            page.merge_transformed_page(stamp, Transformation().translate(left, bottom))
        except Exception as error:  # noqa: BLE001 (an odd certificate page keeps its content, unnumbered)
            log.warning("audit packet: page %s could not be numbered: %r", index, error)


def file_name(overview: BodyOverview, standing: Standing) -> str:
    cycle = standing.tally.cycle
    return f"{overview.rules.name}-audit-packet-{cycle.start.isoformat()}-to-{cycle.end.isoformat()}.pdf"
