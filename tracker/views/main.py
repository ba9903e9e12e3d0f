"""The front page: a welcome for visitors, the dashboard for a signed-in user."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user

from ..domain import career
from ..domain.attention import plan_look
from ..domain.clock import utc_now
from ..forms import CONFIRM
from .dashboard_html import dashboard_body
from .page_cache import cached_fragment, cached_page
from ..services import credentials as credential_service
from ..services import ladder_glance
from ..services import plans as plan_service
from ..services import health
from ..services import stages
from . import user_credentials, user_today
from .onboarding import stage_form

bp = Blueprint("main", __name__)


@bp.route("/")
def dashboard():
    if not current_user.is_authenticated:
        return render_template("main/welcome.html")
    today = user_today()
    user = current_user._get_current_object()
    key = ("dashboard", user.id, user.data_version, user.time_zone, today)
    # The main part is cached on its own too: a page rendered to show a message reuses it.
    return cached_page(key + (request.full_path,), lambda: render_template(
        "main/dashboard.html", body=cached_fragment(key, lambda: _dashboard_body(user, today))))


def _dashboard_body(user, today: dt.date) -> str:
    plan, others = plan_service.dashboard_plans(user)
    view = plan_service.plan_view(plan, today) if plan else None
    credentials = user_credentials()
    stage = stages.stage_from(user, plan is not None, credentials)
    return dashboard_body(
        today=today, view=view, others=others,
        look=plan_look(view.schedule, today) if view else None, confirm=CONFIRM,
        stage=stage, order=career.dashboard_order(stage), working=career.is_working(stage),
        stage_form=stage_form() if stage is None else None, stage_hints=career.STAGE_HINTS,
        renewals=credential_service.renewal_summary(user, today, credentials),
        events=credential_service.code_set_dates_between(today, today + dt.timedelta(days=120)),
        ladder=ladder_glance.glance(user, today, credentials, stage, view.schedule.projected_finish if view else None),
    )


@bp.route("/healthz")
def healthz():
    """For load balancers and operators: the database answers, and when the reminder worker last
    swept (``last_sweep_stale`` once that is more than a few sweep intervals ago, or never)."""
    try:
        sweeps = health.check(utc_now(), current_app.config["REMINDER_SWEEP_SECONDS"])
    except health.DatabaseUnreachable as error:
        # The reason goes to the log, never to whoever asks.
        current_app.logger.error("health check: the database is unreachable: %s", error)
        return {"status": "error", "database": "unreachable"}, 503
    return {
        "status": "ok",
        "database": "ok",
        "last_sweep": sweeps.last_sweep.isoformat() if sweeps.last_sweep else None,
        "last_sweep_age_seconds": sweeps.age_seconds,
        "last_sweep_stale": sweeps.stale,
        "stale_after_seconds": sweeps.stale_after_seconds,
    }
