"""The ladder picture written in Python shows what its Jinja template showed, for every rung the
user can stand on, with and without their experience marked."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from jinja2 import Environment

from tracker.catalog import load_catalog
from tracker.views.ladder_picture import build_picture, picture_svg

LADDER = load_catalog(Path(__file__).resolve().parents[2] / "plans").ladder

# templates/ladder/_picture.html as it was before the picture moved to Python.
TEMPLATE = """<figure class="ladder-picture">
  <svg viewBox="0 0 {{ picture.width }} {{ picture.height }}" role="img" aria-labelledby="ladder-title ladder-desc">
    <title id="ladder-title">The medical coding career ladder</title>
    <desc id="ladder-desc">{% for row in picture.rows|reverse %}{{ row.rung.title }}: {{ row.rung.years_label }}, median ${{ '{:,}'.format(row.rung.pay.median) }}{% if row.mine %} (you are here){% endif %}{% if row.next %} (your next rung){% endif %}. {% endfor %}</desc>
    <text class="axis-label" x="8" y="14">Years in the field</text>
    <text class="axis-label" x="270" y="14">US median pay</text>
    {% for row in picture.rows %}
      <g class="rung{% if row.mine %} mine{% endif %}{% if row.next %} next{% endif %}">
        <rect class="row-bg" x="2" y="{{ row.y }}" width="{{ picture.width - 4 }}" height="42" rx="6"/>
        <text class="rung-title" x="10" y="{{ row.y + 16 }}">{{ row.rung.title }}{% if row.mine %} · you{% elif row.next %} · next{% endif %}</text>
        <rect class="band" x="{{ row.band_x }}" y="{{ row.y + 24 }}" width="{{ row.band_w }}" height="10" rx="3"/>
        <text class="band-label" x="{{ row.label_x }}" y="{{ row.y + 33 }}" text-anchor="{{ row.label_anchor }}">{{ row.rung.years_label }}</text>
        <rect class="pay" x="270" y="{{ row.y + 24 }}" width="{{ row.pay_w }}" height="10" rx="3"/>
        <text class="pay-label" x="412" y="{{ row.y + 16 }}" text-anchor="end">${{ (row.rung.pay.median / 1000)|round|int }}k</text>
      </g>
    {% endfor %}
    {% if picture.you_x is not none %}
      <line class="you" x1="{{ picture.you_x }}" x2="{{ picture.you_x }}" y1="20" y2="{{ picture.height - 8 }}"/>
    {% endif %}
  </svg>
  <figcaption class="small muted">Pay: US median per rung, {{ picture.rows[0].rung.pay.source.title }} ({{ picture.rows[0].rung.pay.year }}).{% if picture.you_x is not none %} The orange line is your experience.{% endif %}</figcaption>
</figure>"""


def _squeezed(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", str(html))).strip()


keys = [None] + [rung.key for rung in LADDER.rungs]


@pytest.mark.parametrize("rung_key", keys)
@pytest.mark.parametrize("experience", [0.0, 2.5, 7.25, 40.0])
def test_the_picture_shows_what_the_template_showed(rung_key, experience):
    order = [rung.key for rung in LADDER.rungs]
    next_key = order[order.index(rung_key) + 1] if rung_key in order[:-1] else (order[0] if rung_key is None else None)
    picture = build_picture(LADDER, rung_key, next_key, experience)
    expected = Environment(autoescape=True).from_string(TEMPLATE).render(picture=picture)
    assert _squeezed(picture_svg(picture)) == _squeezed(expected)


def test_text_in_the_picture_is_escaped():
    rungs = type(LADDER.rungs)(dataclasses.replace(rung, title=f"{rung.title} <b>&") for rung in LADDER.rungs)
    ladder = dataclasses.replace(LADDER, rungs=rungs)
    html = str(picture_svg(build_picture(ladder, rungs[0].key, None, 1.0)))
    assert "<b>" not in html
    assert html.count("&lt;b&gt;&amp;") == 2 * len(rungs)  # in each row's title and in the description
