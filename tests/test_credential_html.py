"""The credentials pages' status badge, cycle figures and next action, written in Python, are byte
for byte what the Jinja macros they replaced wrote, for any standing: subsets, CEUs per
credential, paces or none, days left or late, amounts with and without decimals, a submission
due or not, text that needs escaping."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import jinja2
from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.views.credential_html import credential_changes, cycle_numbers, cycle_status, next_action
from tracker.views.filters import ceus, day

# The macros as templates/credentials/_macros.html had them.
MACROS = """\
{% macro status(standing) %}
  <span class="badge big status-{{ standing.status }}">{{ standing.label }}</span>
{% endmacro %}

{% macro next_action(overview, standing, rules) %}
  {% if rules.requires_submission and standing.status in ('overdue', 'inactive') and not standing.submitted_on and standing.tally.needed == 0 %}
    <a class="button" href="{{ url_for('credentials.body', body=rules.id) }}#submission">Record your submission</a>
  {% else %}
    <a class="button" href="{{ url_for('credentials.new_ceu', counts_toward=rules.id if not rules.one_credential_per_activity else rules.id ~ ':' ~ overview.credentials[0].code) }}">Log a CEU</a>
  {% endif %}
{% endmacro %}

{% macro cycle_numbers(standing) %}
  {% set t = standing.tally %}
  <div class="summary four">
    <div class="stat"><span class="label">Required</span><span class="value">{{ ceus(t.required) }}</span><span class="sub">CEUs this cycle</span></div>
    <div class="stat"><span class="label">Earned</span><span class="value">{{ ceus(t.earned) }}</span><span class="sub">that count</span></div>
    <div class="stat"><span class="label">Still needed</span><span class="value">{{ ceus(t.needed) }}</span><span class="sub">CEUs</span></div>
    <div class="stat"><span class="label">{{ 'Days left' if standing.days_left >= 0 else 'Days late' }}</span><span class="value">{{ standing.days_left|abs }}</span><span class="sub">due {{ t.cycle.end|day }}</span></div>
  </div>
  <progress class="meter" value="{{ [t.earned, t.required]|min }}" max="{{ t.required or 1 }}" aria-label="CEUs earned of required">{{ ceus(t.earned) }} of {{ ceus(t.required) }}</progress>
  {% for s in t.subsets %}
    <p class="small subset"><strong>{{ s.code }} {{ s.label }}</strong>: {{ ceus(s.earned) }} of {{ ceus(s.required) }}{% if s.needed %} · {{ ceus(s.needed) }} to go{% else %} · met{% endif %}</p>
    <progress class="meter thin" value="{{ [s.earned, s.required]|min }}" max="{{ s.required }}" aria-label="{{ s.code }} {{ s.label }} CEUs">{{ ceus(s.earned) }} of {{ ceus(s.required) }}</progress>
  {% endfor %}
  {% for code, earned in t.by_credential %}
    <p class="small subset">{{ code }}: {{ ceus(earned) }} CEUs assigned</p>
  {% endfor %}
  {% if standing.pace_needed is not none %}
    <dl class="facts">
      <dt>Pace that finishes on time</dt><dd>{{ ceus(standing.pace_needed) }} CEUs a month</dd>
      <dt>Your pace so far</dt><dd>{{ ceus(standing.pace_so_far) }} CEUs a month</dd>
    </dl>
  {% endif %}
{% endmacro %}
"""



def fake_url_for(endpoint, **values):
    """A link that shows what it was built from (and an ampersand to escape)."""
    return f"/{endpoint}?" + "&".join(f"{name}={value}" for name, value in values.items())


environment = jinja2.Environment(autoescape=True)
environment.globals["ceus"] = ceus
environment.globals["url_for"] = fake_url_for
environment.filters["day"] = day
macros = environment.from_string(MACROS).module

texts = st.text(alphabet=st.sampled_from("aZ9 -<>&\"'·é"), max_size=8)
# Amounts as the tallies hold them: whole (Decimal("40")), with hundredths, or zero written "0.00".
amounts = st.one_of(
    st.integers(0, 6000).map(lambda n: Decimal(n) / 100),
    st.integers(0, 60).map(Decimal),
    st.just(Decimal("0.00")),
)


def _subset(code, label, required, earned):
    return SimpleNamespace(code=code, label=label, required=required, earned=earned,
                           needed=max(Decimal(0), required - earned))


standings = st.builds(
    lambda status, label, required, earned, needed, end, subsets, by_credential, days_left, paces: SimpleNamespace(
        status=status, label=label, days_left=days_left,
        pace_needed=paces and paces[0], pace_so_far=paces and paces[1],
        tally=SimpleNamespace(required=required, earned=earned, needed=needed, cycle=SimpleNamespace(end=end),
                              subsets=tuple(subsets), by_credential=tuple(by_credential)),
    ),
    st.one_of(st.sampled_from(["on_track", "at_risk", "lapsed"]), texts), texts, amounts, amounts, amounts,
    st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    st.lists(st.builds(_subset, texts, texts, amounts, amounts), max_size=2),
    st.lists(st.tuples(texts, amounts), max_size=2),
    st.integers(-400, 900),
    st.one_of(st.none(), st.tuples(amounts, amounts)),
)


@settings(max_examples=300, deadline=None)
@given(standing=standings)
def test_cycle_figures_are_what_the_macro_wrote(standing):
    assert str(cycle_numbers(standing)) == str(macros.cycle_numbers(standing))


@settings(max_examples=100, deadline=None)
@given(standing=standings)
def test_status_badge_is_what_the_macro_wrote(standing):
    assert str(cycle_status(standing)) == str(macros.status(standing))


def test_nothing_required_reads_as_a_maximum_of_one():
    standing = SimpleNamespace(
        status="complete", label="Complete", days_left=0, pace_needed=None, pace_so_far=None,
        tally=SimpleNamespace(required=Decimal(0), earned=Decimal("0.00"), needed=Decimal(0),
                              cycle=SimpleNamespace(end=dt.date(2027, 1, 1)), subsets=(), by_credential=()),
    )
    assert 'max="1"' in cycle_numbers(standing)
    assert str(cycle_numbers(standing)) == str(macros.cycle_numbers(standing))


links_app = Flask(__name__)
links_app.jinja_env.globals["url_for"] = fake_url_for


@settings(max_examples=200, deadline=None)
@given(
    status=st.sampled_from(["overdue", "inactive", "on_track", "met", "lapsed"]),
    submitted_on=st.one_of(st.none(), st.just(dt.date(2026, 5, 1))),
    needed=st.sampled_from([Decimal(0), Decimal("0.00"), Decimal("2.5")]),
    requires_submission=st.booleans(), one_credential_per_activity=st.booleans(),
    body=texts, code=texts,
)
def test_next_action_is_what_the_macro_wrote(status, submitted_on, needed, requires_submission,
                                             one_credential_per_activity, body, code):
    rules = SimpleNamespace(id=body, requires_submission=requires_submission,
                            one_credential_per_activity=one_credential_per_activity)
    standing = SimpleNamespace(status=status, submitted_on=submitted_on, tally=SimpleNamespace(needed=needed))
    overview = SimpleNamespace(credentials=[SimpleNamespace(code=code)])
    with links_app.app_context():
        assert str(next_action(overview, standing, rules)) == str(macros.next_action(overview, standing, rules))


def test_a_credential_without_changes_is_written_as_the_macro_writes_it():
    # The macro itself, from templates/: the global writes its blank output without calling it.
    files = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).resolve().parents[1] / "templates"), autoescape=True)
    files.globals.update(url_for=fake_url_for, ceus=ceus)
    files.filters["day"] = day
    macro = files.get_template("credentials/_macros.html").module.credential_changes_html
    plain = SimpleNamespace(id=3, code="CPC", converted_from=None, converted_on=None, replaced_on=None)
    assert str(credential_changes(plain, None, None, None)) == str(macro(plain, None, None, None))
