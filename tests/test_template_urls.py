"""Templates build each link once per process (views/template_urls.py): the same URLs as Flask's
``url_for``, under an app mounted at a prefix too, and anything unusual left to Flask."""
from __future__ import annotations

from flask import render_template_string, url_for


def test_memoized_links_are_the_links_flask_builds(app):
    with app.test_request_context("/"):
        for endpoint, values in [("main.dashboard", {}), ("plans.show", {"plan_id": 7}),
                                 ("plans.show", {"plan_id": 8}), ("credentials.index", {})]:
            flask_url = url_for(endpoint, **values)
            source = "{{ url_for(e, **v) }}|{{ url_for(e, **v) }}"
            assert render_template_string(source, e=endpoint, v=values) == f"{flask_url}|{flask_url}"


def test_a_link_remembered_at_the_root_is_not_reused_under_a_prefix(app):
    source = "{{ url_for('plans.show', plan_id=3) }}"
    with app.test_request_context("/"):
        assert render_template_string(source) == "/plans/3"
    with app.test_request_context("/", base_url="http://localhost/rungs/"):
        assert url_for("plans.show", plan_id=3) == "/rungs/plans/3"
        assert render_template_string(source) == "/rungs/plans/3"
    with app.test_request_context("/"):
        assert render_template_string(source) == "/plans/3"


def test_options_and_query_values_go_to_flask(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ url_for('plans.show', plan_id=3, _anchor='step-2') }}") == "/plans/3#step-2"
        assert render_template_string("{{ url_for('plans.show', plan_id=3, tab='costs') }}") == "/plans/3?tab=costs"
        assert (render_template_string("{{ url_for('plans.show', plan_id=3, _external=True) }}")
                == url_for("plans.show", plan_id=3, _external=True))


def test_true_and_one_are_different_links(app):
    with app.test_request_context("/"):
        one = render_template_string("{{ url_for('plans.show', plan_id=3, all=1) }}")
        true = render_template_string("{{ url_for('plans.show', plan_id=3, all=True) }}")
        assert (one, true) == ("/plans/3?all=1", "/plans/3?all=True")
