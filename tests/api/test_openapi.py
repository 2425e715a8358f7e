"""The OpenAPI document tells the truth: one component name per schema, and every
answer the API can give is documented (issue 11, item 4)."""

from __future__ import annotations

import json

import pytest
from ninja.openapi.schema import OpenAPISchema

from pathways.api.api import api
from pathways.casework.models import Package
from pathways.employers.pledges.models import SocialValuePledge
from pathways.referrals.models import Source, Status


@pytest.fixture
def components_by_name(monkeypatch):
    """Every schema ninja files under a component name while it builds the document,
    by name: two different schemas under one name means one of them is lost (the
    later overwrites the earlier) and clients check answers against the wrong one."""
    filed: dict[str, set[str]] = {}
    add = OpenAPISchema.add_schema_definitions

    def spy(self, definitions):
        for name, definition in definitions.items():
            filed.setdefault(name, set()).add(json.dumps(definition, sort_keys=True))
        add(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", spy)
    document = api.get_openapi_schema()
    return filed, document


def _resolve(document, schema):
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "allOf" in schema and len(schema["allOf"]) == 1:
        return _resolve(document, schema["allOf"][0])
    return schema


def _answer(document, path, method="get", status="200"):
    responses = document["paths"][path][method]["responses"]
    found = responses.get(status) or responses[int(status)]
    return _resolve(document, found["content"]["application/json"]["schema"])


def test_no_two_schemas_share_a_component_name(components_by_name):
    filed, _ = components_by_name
    shared = {name: len(versions) for name, versions in filed.items() if len(versions) > 1}
    assert shared == {}


def test_a_referrals_status_is_checked_against_the_referral_statuses(components_by_name):
    _, document = components_by_name
    referral = _answer(document, "/api/v1/referrals/{referral_id}")
    status = _resolve(document, referral["properties"]["status"])
    source = _resolve(document, referral["properties"]["source"])
    assert status["enum"] == [s.value for s in Status]
    assert source["enum"] == [s.value for s in Source]


def test_a_packages_status_and_a_pledges_source_keep_their_own_values(components_by_name):
    _, document = components_by_name
    episode = _answer(document, "/api/v1/episodes/{episode_id}")
    package = _resolve(document, episode["properties"]["packages"]["items"])
    assert _resolve(document, package["properties"]["status"])["enum"] == [
        s.value for s in Package.Status
    ]
    employer = _answer(document, "/api/v1/employers/{employer_id}")
    pledge = _resolve(document, employer["properties"]["pledges"]["items"])
    assert _resolve(document, pledge["properties"]["source"])["enum"] == [
        s.value for s in SocialValuePledge.Source
    ]


def test_the_employment_rate_and_a_cohort_allocation_have_their_own_shapes(
    components_by_name,
):
    _, document = components_by_name
    allocation = _answer(document, "/api/v1/matching/cohort", "post")
    assert set(allocation["properties"]) == {"assignments", "total_score"}
    rate = _answer(document, "/api/v1/reports/employment-rate")
    cohort = _resolve(document, rate["properties"]["learning_disability"])
    assert {"denominator", "numerator", "percent", "hours_bands"} <= set(cohort["properties"])


def test_every_route_documents_the_bad_request_it_may_answer(anonymous):
    """A NUL character is refused before any route is reached, on every route."""
    document = anonymous.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            bad = operation["responses"].get("400")
            assert bad, f"{method} {path}"
            schema = bad["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}
