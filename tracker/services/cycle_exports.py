"""A renewal cycle's CEUs for an auditor: a CSV, or a ZIP of the CSV and every certificate named
as the CSV names them.
"""
from __future__ import annotations

import csv
import io
import zipfile

from ..domain.cycles import Standing
from ..models import User
from .certificates import certificate_path, download_name
from .credentials import BodyOverview
from .errors import NotFound


CSV_COLUMNS = [
    "completed_on", "title", "provider", "reference", "ceus", "counts_toward", "counted",
    "not_counted_reason", "certificate_file",
]


def _rows(overview: BodyOverview, standing: Standing) -> list[dict]:
    by_id = {a.id: a for a in overview.activities}
    rows = []
    reasons = {n.activity.id: n.reason for n in standing.tally.not_counted}
    seen = {a.id: a for a in standing.tally.counted} | {n.activity.id: n.activity for n in standing.tally.not_counted}
    for activity_id in sorted(seen, key=lambda i: (by_id[i].completed_on, i)):
        activity = by_id[activity_id]
        rows.append({
            "completed_on": activity.completed_on.isoformat(),
            "title": activity.title,
            "provider": activity.provider,
            "reference": seen[activity_id].reference,  # this body's approval
            "ceus": f"{activity.ceus.normalize():f}",
            "counts_toward": " ".join(seen[activity_id].applies_to) or "general",
            "counted": "no" if activity_id in reasons else "yes",
            "not_counted_reason": reasons.get(activity_id, ""),
            "certificate_file": download_name(activity) if activity.certificate_file else "",
            "_activity": activity,
        })
    return rows


def _headers(overview: BodyOverview) -> dict[str, str]:
    """Each column's heading as a person reads it in a spreadsheet."""
    return {
        "completed_on": "Completed on", "title": "Title", "provider": "Provider",
        "reference": overview.rules.reference_label[:1].upper() + overview.rules.reference_label[1:],
        "ceus": "CEUs", "counts_toward": "Counts toward", "counted": "Counted",
        "not_counted_reason": "Why not counted", "certificate_file": "Certificate file",
    }


def cycle_csv(overview: BodyOverview, standing: Standing) -> str:
    """A cycle's CEUs as CSV, one row per activity, certificate file names matching the ZIP.

    Made to open cleanly in Excel: a UTF-8 byte order mark (so "é" and "–" stay themselves),
    headings in words, and a last row with the total of the CEUs that count.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writerow(_headers(overview))
    for row in _rows(overview, standing):
        # Cells starting with = + - @ would run as formulas in a spreadsheet.
        writer.writerow({k: ("'" + v if isinstance(v, str) and v and v[0] in "=+-@" else v) for k, v in row.items()})
    tally = standing.tally
    writer.writerow({
        "completed_on": "Total", "title": f"{len(tally.counted)} activities counted",
        "ceus": f"{tally.earned.normalize():f}", "counted": "yes",
        "not_counted_reason": f"{tally.required.normalize():f} CEUs required",
    })
    return out.getvalue()


def cycle_zip(user: User, overview: BodyOverview, standing: Standing) -> bytes:
    """The cycle's CSV plus every certificate, named as the CSV names them."""
    buffer = io.BytesIO()
    name = export_name(overview, standing)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}/ceus.csv", cycle_csv(overview, standing))
        for row in _rows(overview, standing):
            activity = row["_activity"]
            if activity.certificate_file:
                try:
                    path = certificate_path(user, activity)
                except NotFound:
                    continue
                archive.write(path, f"{name}/certificates/{row['certificate_file']}")
    return buffer.getvalue()


def export_name(overview: BodyOverview, standing: Standing) -> str:
    cycle = standing.tally.cycle
    return f"{overview.rules.name}-ceus-{cycle.start.isoformat()}-to-{cycle.end.isoformat()}"
