"""The quick-capture card ("Log a CEU") is written in Python (tracker/views/quick_card_html.py) and
reads the log with one cheaper query (tracker/services/ceu_log.py:card_data): its HTML must stay
what the templates wrote from a WTForms form and the former query, byte for byte.

tests/reference_templates/ holds the card's templates as they were (reference_quick_capture.html,
reference_quick_capture_card.html, reference_quick_fields.html); below, the card as it was built
(a QuickCeuForm, the former query) renders them. Each page of a varied corpus gets its card both
ways in the same request (same CSRF token, same clock), and the two are compared.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from types import SimpleNamespace

import pytest
import time_machine
from flask import current_app, render_template_string, request
from flask_login import current_user, login_user
from markupsafe import Markup
from sqlalchemy import Date, bindparam, cast, func, literal, literal_column, null, select, union_all

from tracker.domain import limits
from tracker.extensions import db
from tracker.forms import QuickCeuForm, options
from tracker.models import CeuActivity, User
from tracker.services import ceu_log
from tracker.services import credentials as credential_service
from tracker.views import user_credentials, user_today

from builders import make_user
from reference_pages import CLOCKS as ALL_CLOCKS, reference_env

DAY = dt.timedelta(days=1)
ODD = "<b>&\"'"  # every character HTML escapes

# -- the card as it was built ----------------------------------------------------------------------

_CEU = CeuActivity.__table__.c


def _reference_recent(kind: str, column):
    return select(
        literal(kind).label("kind"), column.label("value"), func.max(_CEU.id).label("latest"),
    ).where(_CEU.user_id == bindparam("user_id"), column != "").group_by(column).order_by(
        func.max(_CEU.id).desc()).limit(limits.CEU_SUGGESTIONS).subquery()


def _reference_titles():
    later = CeuActivity.__table__.alias("later").c
    repeated = select(later.id).where(
        later.user_id == _CEU.user_id, later.title == _CEU.title, later.id > _CEU.id).exists()
    return select(
        literal("title").label("kind"), _CEU.title.label("value"), _CEU.id.label("latest"),
    ).where(_CEU.user_id == bindparam("user_id"), _CEU.title != "", ~repeated).order_by(
        _CEU.id.desc()).limit(limits.CEU_SUGGESTIONS).subquery()


_last = select(_CEU.id, _CEU.title, _CEU.completed_on, literal("latest").label("kind")).where(
    _CEU.user_id == bindparam("user_id")).order_by(_CEU.id.desc()).limit(1).subquery()
REFERENCE_CARD_OF = union_all(
    select(_last.c.kind, _last.c.title.label("value"), _last.c.id.label("latest"), _last.c.completed_on),
    *(select(recent, cast(null(), Date).label("completed_on")) for recent in (
        _reference_titles(), _reference_recent("provider", _CEU.provider))),
).order_by(literal_column("latest").desc())


def reference_card_data(user):
    found: dict[str, list] = {"title": [], "provider": [], "latest": []}
    for kind, value, latest, completed_on in db.session.execute(REFERENCE_CARD_OF, {"user_id": user.id}):
        found[kind].append(value if kind != "latest" else ceu_log.LastLogged(latest, value, completed_on))
    return ceu_log.Suggestions(titles=found["title"], providers=found["provider"]), next(iter(found["latest"]), None)


def reference_quick_capture_html(toward=None) -> Markup:
    """The card as tracker/views/ceus.py built it (the page cache off)."""
    if not current_user.is_authenticated:
        return Markup("")
    form = QuickCeuForm(formdata=None)
    choices = credential_service.counts_toward_choices(current_user, credentials=user_credentials())
    form.counts_toward.choices = options((value, label) for value, label, _ in choices)
    form.title.render_kw = {"list": "ceu-titles", "autocomplete": "off"}
    form.provider.render_kw = {"list": "ceu-providers", "autocomplete": "off"}
    form.completed_on.data = user_today()
    values = [value for value, _label, _body in choices]
    form.counts_toward.data = [toward if toward in values else values[0]] if values else []
    qc = None
    if choices:
        suggestions, latest = reference_card_data(current_user)
        qc = SimpleNamespace(form=form, several=len(choices) > 1, suggestions=suggestions, latest=latest,
                             back=request.full_path.rstrip("?"))
    return Markup(reference_env(current_app).get_template("reference_quick_capture_card.html").render(qc=qc))


def _cards(app, user_id: int, path: str, body: str | None = None, base: str = "http://localhost/") -> tuple[str, str]:
    """The card of the page at ``path`` (a body's page: its overview), as the app writes it now
    and as the reference templates did, in one request (``base``: where the app is mounted)."""
    with app.test_request_context(path, base_url=base):
        user = db.session.get(User, user_id)
        login_user(user)
        overview = credential_service.body_overview(user, body, user_today()) if body else None
        card = render_template_string('{% include "ceus/_quick_capture.html" %}', overview=overview)
        reference = reference_env(app).get_template("reference_quick_capture.html").render(
            overview=overview, reference_quick_capture_html=reference_quick_capture_html)
    return card, reference


# -- the corpus -------------------------------------------------------------------------------------

def _log(user, today, title, provider, toward, days_ago=0, reference=""):
    data = credential_service.ActivityInput(today - days_ago * DAY, title, provider, reference, "1", toward)
    return credential_service.add_activity(user, data, today, None)


def _no_credential(user, today):
    return []


def _one_credential_no_ceus(user, today):
    credential_service.add_credential(user, "CPC", today - 400 * DAY, today, renewal_month=today.month % 12 + 1)
    return [("/", None), ("/credentials/aapc/", "aapc")]


def _one_credential_odd_log(user, today):
    credential_service.add_credential(user, "CPC", today - 400 * DAY, today, renewal_month=today.month % 12 + 1)
    for n in range(3):
        _log(user, today, f"Session {n} {ODD}", f"Vendor {ODD}", "aapc", days_ago=30 - n)
    _log(user, today, "Repeated title", "", "aapc", days_ago=20)
    _log(user, today, ODD, "AAPC", "aapc", days_ago=10)
    _log(user, today, "Repeated title", "AAPC", "aapc", days_ago=5)
    return [("/", None), ("/credentials/aapc/", "aapc"), ("/credentials/aapc/?cycle=&x=%3Cb%3E&y=1", "aapc")]


def _both_bodies(user, today):
    # AAPC general + a subset credential, two AHIMA credentials (one CEU counts toward one of
    # them), and a credential outside the catalogue: a select on every page.
    credential_service.add_credential(user, "CPC", today - 900 * DAY, today, renewal_month=today.month % 12 + 1)
    credential_service.add_credential(user, "CPMA", today - 800 * DAY, today)
    credential_service.add_credential(user, "RHIT", today - 700 * DAY, today, cycle_end=today + 300 * DAY)
    credential_service.add_credential(user, "CCS", today - 600 * DAY, today, cycle_end=today + 300 * DAY)
    credential_service.add_credential(
        user, "CCDS", today - 500 * DAY, today,
        other=credential_service.OtherCredential(f"ACDIS {ODD}", "Certified Clinical Documentation Specialist", "30", 2))
    for n in range(40):  # more titles than the card suggests
        _log(user, today, f"Webinar {n}: E/M {ODD}", f"Provider {n % 7}", "aapc" if n % 2 else "ahima:RHIT", days_ago=60 - n)
    _log(user, today, "Audit basics", "Provider 3", "aapc:CPMA", days_ago=1)
    return [("/", None), ("/credentials/aapc/", "aapc"), ("/credentials/ahima/", "ahima"),
            ("/credentials/ahima/?tab=ceus&back=%2F", "ahima"), ("/?q=a&b=%22c%22", None)]


def _ahima_only(user, today):
    # One credential per activity: the body's page starts on its first credential.
    credential_service.add_credential(user, "RHIA", today - 700 * DAY, today, cycle_end=today + 200 * DAY)
    credential_service.add_credential(user, "CCS", today - 600 * DAY, today, cycle_end=today + 200 * DAY)
    _log(user, today, "Coding Clinic Q3", "AHA", "ahima:CCS", days_ago=3)
    return [("/", None), ("/credentials/ahima/", "ahima")]


USERS = [_no_credential, _one_credential_no_ceus, _one_credential_odd_log, _both_bodies, _ahima_only]

CLOCKS = ALL_CLOCKS[:3]  # the mid-year day and the year's end


def _corpus(app, instant, zone):
    """(user id, path, body) for every page of every user of the corpus."""
    pages = []
    for n, build in enumerate(USERS):
        user_id = make_user(app, email=f"card{n}@example.com", zone=zone)
        with app.app_context():
            user = db.session.get(User, user_id)
            today = instant.astimezone(zoneinfo.ZoneInfo(zone)).date()
            shown = build(user, today) or [("/", None)]
        pages += [(user_id, path, body) for path, body in shown]
    return pages


@pytest.mark.parametrize("cache", [0, 1024], ids=["computed", "page-cache"])
@pytest.mark.parametrize("instant, zone", CLOCKS, ids=[f"{c[0]:%Y-%m-%d}-{c[1]}" for c in CLOCKS])
def test_the_card_is_the_reference_templates_html(app, instant, zone, cache):
    app.config["PAGE_CACHE_SIZE"] = cache  # 0: every card computed, as the benchmark's
    with time_machine.travel(instant, tick=False):
        for user_id, path, body in _corpus(app, instant, zone):
            card, reference = _cards(app, user_id, path, body)
            assert card == reference, (user_id, path)
            card, reference = _cards(app, user_id, path, body)  # again (with the cache on: the kept one)
            assert card == reference, (user_id, path, "again")
            if not cache:  # (the page cache keys a fragment by path, not by where the app is mounted)
                # The app mounted under a prefix: the card's links start with it.
                card, reference = _cards(app, user_id, path, body, base="http://localhost/rungs%20&%3Capp%3E/")
                assert card == reference, (user_id, path, "mounted")


def test_the_corpus_shows_what_it_is_meant_to(app):
    app.config["PAGE_CACHE_SIZE"] = 0
    instant, zone = CLOCKS[1]
    with time_machine.travel(instant, tick=False):
        corpus = _corpus(app, instant, zone)
        cards = [_cards(app, *page)[0] for page in corpus]
        mounted = _cards(app, *corpus[-1], base="http://localhost/rungs/")[0]
    assert "log-a-ceu" not in cards[0]  # no credential, no card
    whole = "\n".join(cards)
    for shown in ('<input type="hidden" name="counts_toward" value="aapc">', '<select id="quick-counts_toward"',
                  '<option value="ahima:RHIT" selected>AHIMA: RHIT</option>',
                  '<option value="aapc" selected>', "ACDIS &lt;b&gt;&amp;&#34;&#39;",
                  '<option value="Session 2 &lt;b&gt;&amp;&#34;&#39;"></option>', "Vendor &lt;b&gt;&amp;&#34;&#39;",
                  "Last logged: “Repeated title”",
                  "Last logged: “Audit basics”", '<datalist id="ceu-titles"></datalist>',
                  'name="back" value="/credentials/aapc/?cycle=&amp;x=%3Cb%3E&amp;y=1"',
                  'value="2027-01-01"', 'name="csrf_token"', "Up to 200 characters."):
        assert shown in whole, shown
    assert 'href="/rungs/ceus/">Your CEU log</a>' in mounted and 'action="/rungs/ceus/quick"' in mounted
    assert "Last logged" not in cards[1]  # no CEUs yet


# -- the query --------------------------------------------------------------------------------------

@pytest.mark.parametrize("providers", [0, 1, 5, ceu_log.PROVIDERS_READ_ONE_BY_ONE - 1,
                                       ceu_log.PROVIDERS_READ_ONE_BY_ONE, ceu_log.PROVIDERS_READ_ONE_BY_ONE + 7])
def test_card_data_is_the_former_querys(app, providers):
    # Providers read one by one up to a bound, then grouped: the same suggestions either way.
    today = dt.date(2026, 11, 23)
    user_id = make_user(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        credential_service.add_credential(user, "CPC", today - 900 * DAY, today, renewal_month=5)
        count = max(providers * 2, 45)
        for n in range(count):
            provider = f"P{(n * 7) % providers:03d} {ODD}" if providers and n % 11 else ""
            title = f"T{n % 37}" if n % 3 else f"Title {n}"
            _log(user, today, title, provider, "aapc", days_ago=count - n)
        assert ceu_log.card_data(user) == reference_card_data(user)
        suggestions, latest = ceu_log.card_data(user)
        assert len(set(suggestions.providers)) == len(suggestions.providers) == min(providers, limits.CEU_SUGGESTIONS)
        assert len(suggestions.titles) == limits.CEU_SUGGESTIONS and latest is not None


def test_card_data_with_nothing_logged(app):
    user_id = make_user(app)
    with app.app_context():
        user = db.session.get(User, user_id)
        assert ceu_log.card_data(user) == (ceu_log.Suggestions([], []), None) == reference_card_data(user)
