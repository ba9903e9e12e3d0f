"""Geometry of the ladder picture (server-rendered SVG): one row per rung, top rung first.

Each row shows the rung's years band on a shared years axis and its median pay as a bar that
grows up the ladder; the user's rung is highlighted and their experience marked on the axis.
Sized in a narrow viewBox so that its text stays readable when a phone scales it down.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from ..domain.ladder import Ladder, Rung

WIDTH = 420
ROW = 46
TOP = 26
LEFT = 8
BAND_X, BAND_W = 8, 250  # years band area
PAY_X, PAY_W = 270, 142  # pay bar area


@dataclass(frozen=True)
class RungRow:
    rung: Rung
    y: float
    band_x: float
    band_w: float
    pay_w: float
    label_x: float
    label_anchor: str
    mine: bool
    next: bool


@dataclass(frozen=True)
class Picture:
    width: int
    height: int
    rows: list[RungRow]
    max_years: float
    ticks: list[tuple[float, str]]  # (x, label) on the years axis
    you_x: float | None  # the user's experience on the years axis


def build_picture(ladder: Ladder, rung_key: str | None, next_key: str | None, experience: float) -> Picture:
    """Rows from the top rung down, with x positions on a years axis and pay bar widths."""
    max_years = max((r.max_years or r.min_years + 5) for r in ladder.rungs)
    top_pay = max(r.pay.median for r in ladder.rungs) or 1

    def x(years: float) -> float:
        return BAND_X + BAND_W * min(years, max_years) / max_years

    rows = []
    for index, rung in enumerate(reversed(ladder.rungs)):
        start, end = x(rung.min_years), x(rung.max_years if rung.max_years is not None else max_years)
        # The years label goes right of the band, or left of it when the band reaches the pay column.
        right = end + 4 < BAND_X + BAND_W - 60
        rows.append(RungRow(
            rung=rung, y=TOP + index * ROW, band_x=start, band_w=max(end - start, 3),
            label_x=end + 4 if right else start - 4, label_anchor="start" if right else "end",
            pay_w=PAY_W * rung.pay.median / top_pay, mine=rung.key == rung_key, next=rung.key == next_key,
        ))
    step = 5 if max_years > 10 else 1
    ticks = [(x(year), f"{year}y") for year in range(0, int(max_years) + 1, step)]
    you = x(experience) if rung_key is not None else None
    return Picture(WIDTH, TOP + len(rows) * ROW + 10, rows, max_years, ticks, you)


def picture_svg(picture: Picture) -> Markup:
    """The picture as SVG in a figure (what ``templates/ladder/_picture.html`` showed, written here:
    its hundred numbers each went through Jinja's escaping, a tenth of the ladder page's time).
    Text is escaped; numbers are written as Python writes them."""
    described = " ".join(
        f"{row.rung.title}: {row.rung.years_label}, median ${row.rung.pay.median:,}"
        + (" (you are here)" if row.mine else "") + (" (your next rung)" if row.next else "") + "."
        for row in reversed(picture.rows)
    ) + (" " if picture.rows else "")
    parts = [
        '<figure class="ladder-picture">',
        f'<svg viewBox="0 0 {picture.width} {picture.height}" role="img" aria-labelledby="ladder-title ladder-desc">',
        '<title id="ladder-title">The medical coding career ladder</title>',
        f'<desc id="ladder-desc">{escape(described)}</desc>',
        '<text class="axis-label" x="8" y="14">Years in the field</text>',
        '<text class="axis-label" x="270" y="14">US median pay</text>',
    ]
    for row in picture.rows:
        mark = " · you" if row.mine else " · next" if row.next else ""
        classes = "rung" + (" mine" if row.mine else "") + (" next" if row.next else "")
        parts += [
            f'<g class="{classes}">',
            f'<rect class="row-bg" x="2" y="{row.y}" width="{picture.width - 4}" height="42" rx="6"/>',
            f'<text class="rung-title" x="10" y="{row.y + 16}">{escape(row.rung.title)}{mark}</text>',
            f'<rect class="band" x="{row.band_x}" y="{row.y + 24}" width="{row.band_w}" height="10" rx="3"/>',
            f'<text class="band-label" x="{row.label_x}" y="{row.y + 33}" text-anchor="{row.label_anchor}">'
            f'{escape(row.rung.years_label)}</text>',
            f'<rect class="pay" x="270" y="{row.y + 24}" width="{row.pay_w}" height="10" rx="3"/>',
            f'<text class="pay-label" x="412" y="{row.y + 16}" text-anchor="end">${round(row.rung.pay.median / 1000)}k</text>',
            "</g>",
        ]
    if picture.you_x is not None:
        parts.append(f'<line class="you" x1="{picture.you_x}" x2="{picture.you_x}" y1="20" y2="{picture.height - 8}"/>')
    parts.append("</svg>")
    if picture.rows:
        pay = picture.rows[0].rung.pay
        you = " The orange line is your experience." if picture.you_x is not None else ""
        parts.append(f'<figcaption class="small muted">Pay: US median per rung, {escape(pay.source.title)} ({pay.year}).{you}</figcaption>')
    parts.append("</figure>")
    return Markup("\n".join(parts))
