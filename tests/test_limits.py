"""Each limit is defined once (tracker/domain/limits.py) and the form, the API and the service refuse
the same value with the same message: one character past it, or one hundredth of a CEU past it."""
from __future__ import annotations

import datetime as dt

import pytest
from werkzeug.datastructures import MultiDict

from tracker.api.schemas import CeuCreate, MilestoneCreate, PlanCreate
from tracker.domain import limits
from tracker.extensions import db
from tracker.forms import CeuForm, CostForm, CustomMilestoneForm, EditPlanForm
from tracker.models import User
from tracker.services import credentials as credential_service
from tracker.services import plans as plan_service
from tracker.services.errors import Invalid

import builders

CASES = [  # (limit, form class, form field, API schema, API field, service check or None)
    ("PLAN_TITLE", EditPlanForm, "title", PlanCreate, "title", plan_service.check_plan_title),
    ("MILESTONE_TITLE", CustomMilestoneForm, "title", MilestoneCreate, "title", plan_service.check_milestone_title),
    ("MILESTONE_DESCRIPTION", CustomMilestoneForm, "description", MilestoneCreate, "description", plan_service.check_milestone_description),
    ("CEU_TITLE", CeuForm, "title", CeuCreate, "title", None),
    ("CEU_PROVIDER", CeuForm, "provider", CeuCreate, "provider", None),
    ("CEU_REFERENCE", CeuForm, "reference", CeuCreate, "reference", None),
    ("COST_LABEL", CostForm, "label", None, None, None),
]


@pytest.mark.parametrize("name, form_class, form_field, schema, api_field, check", CASES, ids=[c[0] for c in CASES])
def test_one_past_a_text_limit_is_refused_the_same_way_everywhere(app, name, form_class, form_field, schema, api_field, check):
    limit = getattr(limits, name)
    message = limits.too_long(limit)
    with app.test_request_context(method="POST"):
        app.config["WTF_CSRF_ENABLED"] = False
        field = getattr(form_class(formdata=MultiDict({form_field: "x" * (limit + 1)})), form_field)
        field.validate(None)
        assert message in field.errors
        ok = getattr(form_class(formdata=MultiDict({form_field: "x" * limit})), form_field)
        ok.validate(None)
        assert message not in ok.errors
    if schema is not None:
        assert message in schema().validate({api_field: "x" * (limit + 1)}).get(api_field, [])
        assert api_field not in schema(partial=True).validate({api_field: "x" * limit})
    if check is not None:
        with pytest.raises(Invalid) as refused:
            check("x" * (limit + 1))
        assert refused.value.message == message
        check("x" * limit)


def test_ceus_past_the_limit_are_refused_by_the_api_and_the_service(app):
    too_many = float(limits.MAX_CEUS) + 0.01
    assert "ceus" in CeuCreate().validate({"ceus": too_many})
    assert "ceus" not in CeuCreate(partial=True).validate({"ceus": float(limits.MAX_CEUS)})
    user_id = builders.make_user(app)
    today = dt.date(2026, 11, 20)
    builders.add_credential(app, user_id, "CPC", dt.date(2024, 1, 10), today, renewal_month=3)
    with app.app_context():
        user = db.session.get(User, user_id)
        data = credential_service.ActivityInput(
            completed_on=today, title="Webinar", provider="", reference="", ceus=str(too_many), counts_toward="aapc",
        )
        with pytest.raises(Invalid) as refused:
            credential_service.checked_activity(user, data, today)
        assert refused.value.field == "ceus"
        long_title = credential_service.ActivityInput(
            completed_on=today, title="x" * (limits.CEU_TITLE + 1), provider="", reference="", ceus="1", counts_toward="aapc",
        )
        with pytest.raises(Invalid) as refused:
            credential_service.checked_activity(user, long_title, today)
        assert refused.value.message == limits.too_long(limits.CEU_TITLE)
