"""Schemathesis against the live API: generated requests from /api/v1/openapi.json, sent over HTTP
to a real server on a loopback port; no answer is a 5xx, and every answer matches the document
(status code, content type, headers, body schema).

Also negative cases: requests that break the schema must be refused (4xx), never accepted, and
write nothing.
"""
from __future__ import annotations

import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from werkzeug.serving import make_server

from tracker.extensions import db

from tracker.services import api_tokens
from tracker.services.accounts import find_user_by_email

from builders import signed_in
from support import Browser, create_plan

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(5)
        self.server.server_close()


@pytest.fixture
def live(app):
    """The app on a loopback port, with a user who has a plan, credentials and a CEU to find."""
    owner = Browser(app.test_client())
    signed_in(owner)
    create_plan(owner)
    owner.post("/credentials/new", {"code": "CPC", "earned_on": "2024-01-10", "renewal_month": "5"})
    owner.post("/credentials/new", {"code": "RHIT", "earned_on": "2024-02-10", "cycle_end": "2026-12-31"})
    owner.post("/credentials/ceus/new", {"completed_on": "2026-01-10", "title": "Webinar", "ceus": "1", "counts_toward": "aapc"})
    with app.app_context():
        _token, secret = api_tokens.create_token(find_user_by_email("coder@example.com"), "schemathesis")
    server = LiveServer(app)
    server.headers = {"Authorization": f"Bearer {secret}"}
    yield server
    server.stop()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.slow
def test_every_operation_answers_as_documented(app, live, mode):
    before = snapshot(app)
    schema = schemathesis.openapi.from_url(f"{live.url}/api/v1/openapi.json")
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
        def run(case):
            if mode is GenerationMode.NEGATIVE and only_headers_are_negative(case):
                return  # an extra made-up header breaks no rule: the (valid) body is rightly accepted
            case.call_and_validate(base_url=live.url, headers=live.headers, checks=CHECKS, timeout=30)

        try:
            run()
        except Exception as error:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {error}")
    assert operations >= 20
    assert not failures, "\n\n".join(failures)
    if mode is GenerationMode.NEGATIVE:  # refused requests wrote nothing
        assert snapshot(app) == before


def only_headers_are_negative(case) -> bool:
    """Schemathesis' negative mode may vary only the headers (which the API does not define) and
    send a body that is valid: such a request is not negative at all."""
    from schemathesis.core.parameters import ParameterLocation

    components = case.meta.components if case.meta else {}
    negative = {where for where, info in components.items() if info.mode is GenerationMode.NEGATIVE}
    return bool(negative) and negative <= {ParameterLocation.HEADER}


def snapshot(app) -> dict:
    """Every table's rows, but the tokens' last-use times (using a token records it)."""
    with app.app_context():
        return {
            t.name: sorted(map(tuple, db.session.execute(select(t)).all()))
            for t in db.metadata.sorted_tables if t.name != "api_tokens"
        }
