"""The match pages: the people for an opportunity (and its shortlist) and the
opportunities for a person, ranked with reasons and audited."""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pathways.core.models import Role
from pathways.employers.candidacies.models import Candidacy
from tests.cafe import seeker
from tests.factories import (
    OpportunityFactory,
    TeamFactory,
    staff,
)


def test_coach_sees_ranked_people_with_reasons(client, coach, team, opportunity, retail):
    best = seeker(team, coach, retail, ref="P-ONE")
    seeker(team, coach, retail, ref="P-TWO", interests=False)
    client.force_login(coach)
    response = client.get(reverse("matching:opportunity-people", args=[opportunity.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.index("P-ONE") < text.index("P-TWO")
    assert "Likes shops and retail — this job is in shops and retail" in text
    assert f"within the 15 km {best.given_name} can travel" in text
    entries = LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS, additional_data__what__startswith="match results"
    )
    assert entries.count() == 2


def test_people_outside_the_coachs_scope_are_not_listed(client, coach, team, opportunity, retail):
    other = TeamFactory(authority=team.authority, organisation=team.organisation)
    stranger = seeker(other, staff(Role.EMPLOYMENT_SPECIALIST, other), retail, ref="P-NINE")
    seeker(team, coach, retail, ref="P-ONE")
    client.force_login(coach)
    text = client.get(reverse("matching:opportunity-people", args=[opportunity.pk])).content
    assert b"P-ONE" in text
    assert stranger.person_ref.encode() not in text


def test_match_page_queries_do_not_grow(
    client, coach, team, opportunity, retail, django_assert_num_queries
):
    client.force_login(coach)
    url = reverse("matching:opportunity-people", args=[opportunity.pk]) + "?all=yes"
    for i in range(3):
        seeker(team, coach, retail, ref=f"A{i}")
    client.get(url)  # warm the session and content-type caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(20):
        seeker(team, coach, retail, ref=f"B{i}")
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count("score ") == 23


def test_person_opportunities_page_queries_do_not_grow(
    client, coach, team, employer, retail, django_assert_num_queries
):
    person = seeker(team, coach, retail, ref="P-ONE")
    client.force_login(coach)
    url = reverse("matching:person-opportunities", args=[person.pk])
    for _ in range(2):
        OpportunityFactory(employer=employer, authority=team.authority).tags.set([retail])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(15):
        OpportunityFactory(employer=employer, authority=team.authority).tags.set([retail])
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert response.content.decode().count("out of 100") == 17


def test_shortlist_downloads_as_a_spreadsheet_in_rank_order(
    client, coach, team, opportunity, retail
):
    import io

    from openpyxl import load_workbook

    seeker(team, coach, retail, ref="P-TWO", interests=False)
    best = seeker(team, coach, retail, ref="P-ONE")
    Candidacy.objects.create(person=best, opportunity=opportunity, status_on=dt.date.today())
    client.force_login(coach)
    response = client.get(reverse("matching:opportunity-shortlist", args=[opportunity.pk]))
    assert response.status_code == 200
    assert "shortlist-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert values.index("P-ONE") < values.index("P-TWO")
    assert "Suggested" in values
    assert LogEntry.objects.filter(
        object_id=best.pk, additional_data__what__startswith="match results"
    ).exists()


def test_shortlist_of_another_providers_opportunity_is_404(client, team, opportunity):
    client.force_login(staff(Role.EMPLOYMENT_SPECIALIST, TeamFactory(authority=team.authority)))
    url = reverse("matching:opportunity-shortlist", args=[opportunity.pk])
    assert client.get(url).status_code == 404
