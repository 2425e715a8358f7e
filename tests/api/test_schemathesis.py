"""The API against its own OpenAPI document, by schemathesis (issue 11, item 4).

What is checked: for every operation in ``/api/v1/openapi.json``, requests generated
from the document (valid ones, and invalid ones: wrong types, missing fields, strings
with odd characters, NUL included) sent through the WSGI application with the token of
an employment specialist and of a team manager, on a small world (a team, a person
with an open episode and a profile, an employer's open opportunity, a referral). Half
the time a path's id is one of those records, so routes answer with real rows, not only
404. Each answer must be: not a server error (no 5xx), a status code the document lists
for that operation, of the documented content type, and a body that conforms to the
documented schema (``detail`` on every error).

The bound: ``EXAMPLES`` generated requests per operation, per kind (valid, invalid) and
per role, derandomized (the same requests on every run, no example database), no
deadline per request and no shrinking: about 30 operations x 2 x 2 x 5, well under two
minutes on two cores. A failure names the operation and prints a curl command that
reproduces it.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pathways.api.api import api
from pathways.api.tokens import issue_token
from tests.cafe import seeker
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

EXAMPLES = 5
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_app():
    """The WSGI application, keeping the test's database connection open: Django closes
    it when a request finishes, which on PostgreSQL would end the test's transaction
    (Django's own test client disconnects the same handlers)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(team, coach, retail, opportunity) -> dict[str, int]:
    """The ids a path may name, by path parameter."""
    person = seeker(team, coach, retail, ref="ST-1")
    episode = person.episodes.get()
    referral = ReferralFactory(team=team, person=person)
    return {
        "person_id": person.pk,
        "episode_id": episode.pk,
        "referral_id": referral.pk,
        "opportunity_id": opportunity.pk,
        "employer_id": opportunity.employer_id,
    }


def _run(operation: Any, mode: GenerationMode, app: Any, auth: dict, ids: dict) -> None:
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), real=st.booleans())
    def check(case: Any, real: bool) -> None:
        if real and case.path_parameters:
            for name in case.path_parameters:
                if name in ids:
                    case.path_parameters[name] = ids[name]
        response = case.call(app=app, headers=auth)
        case.validate_response(response, checks=CHECKS, headers=auth)

    check()


def test_every_answer_is_documented_and_none_is_a_server_error(wsgi_app, world, coach, manager):
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    app = wsgi_app
    failures = []
    for user in (coach, manager):
        auth = {"Authorization": f"Bearer {issue_token(user.email).raw}"}
        for result in schema.get_all_operations():
            operation = result.ok()
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                try:
                    _run(operation, mode, app, auth, world)
                except (Exception, FailureGroup) as exc:  # go on: report every operation
                    failures.append(f"{user.email}, {operation.label}, {mode.value}: {exc}")
    assert not failures, "\n\n".join(failures)
