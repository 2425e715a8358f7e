"""The employer, opportunity and candidacy pages: what a coach sees and does. The match
pages are tested in tests/matching/test_pages.py."""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.urls import reverse

from pathways.core.models import Role
from pathways.employers.candidacies.models import Candidacy, CandidacyStatus
from pathways.employers.engagement.models import Employer
from pathways.people.models import Consent
from tests.cafe import seeker
from tests.factories import (
    OpportunityFactory,
    TeamFactory,
    staff,
)


def test_suggest_then_move_on_with_consent(client, coach, team, opportunity, retail):
    person = seeker(team, coach, retail, ref="P-ONE")
    client.force_login(coach)
    response = client.post(
        reverse("employers:put-forward"),
        {"person": person.pk, "opportunity": opportunity.pk, "score": 80},
    )
    candidacy = Candidacy.objects.get(person=person, opportunity=opportunity)
    assert response.status_code == 302
    assert candidacy.status == CandidacyStatus.SUGGESTED and candidacy.score == 80

    move = reverse("employers:candidacy-move", args=[candidacy.pk])
    today = dt.date.today()
    data = {
        "status": "applied",
        "on_0": today.day,
        "on_1": today.month,
        "on_2": today.year,
        "reason": "",
        "version": candidacy.version,
    }
    refused = client.post(move, data)
    assert refused.status_code == 400
    assert "has not agreed to their details being shared with employers" in refused.content.decode()
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.SUGGESTED

    Consent.objects.create(
        person=person, scope="employers", given=True, given_on=today, recorded_by=coach
    )
    assert client.post(move, data).status_code == 302
    candidacy.refresh_from_db()
    assert candidacy.status == CandidacyStatus.APPLIED
    assert candidacy.consent is not None
    page = client.get(reverse("employers:candidacy", args=[candidacy.pk])).content.decode()
    assert "consent of" in page


def test_stale_version_is_a_conflict(client, coach, team, opportunity, retail):
    person = seeker(team, coach, retail, ref="P-ONE")
    candidacy = Candidacy.objects.create(
        person=person, opportunity=opportunity, status_on=dt.date.today()
    )
    client.force_login(coach)
    today = dt.date.today()
    response = client.post(
        reverse("employers:candidacy-move", args=[candidacy.pk]),
        {
            "status": "discussed",
            "on_0": today.day,
            "on_1": today.month,
            "on_2": today.year,
            "version": candidacy.version + 5,
        },
    )
    assert response.status_code == 409
    assert "Someone else changed" in response.content.decode()


def test_candidacy_of_someone_else_is_404_and_audited(client, team, opportunity, retail, coach):
    person = seeker(team, coach, retail, ref="P-ONE")
    candidacy = Candidacy.objects.create(
        person=person, opportunity=opportunity, status_on=dt.date.today()
    )
    elsewhere = TeamFactory(authority=team.authority)
    outsider = staff(Role.EMPLOYMENT_SPECIALIST, elsewhere)
    client.force_login(outsider)
    assert client.get(reverse("employers:candidacy", args=[candidacy.pk])).status_code == 404
    assert LogEntry.objects.filter(
        object_id=person.pk, additional_data__outcome="denied", actor=outsider
    ).exists()


def test_another_providers_employer_is_404(client, employer, team):
    elsewhere = TeamFactory(authority=team.authority)
    client.force_login(staff(Role.EMPLOYMENT_SPECIALIST, elsewhere))
    assert client.get(reverse("employers:employer", args=[employer.pk])).status_code == 404


def test_intake_officer_sees_but_cannot_add_employers(client, intake, employer):
    client.force_login(intake)
    assert client.get(reverse("employers:employer", args=[employer.pk])).status_code == 200
    assert client.get(reverse("employers:employer-new")).status_code == 403
    assert (
        client.post(
            reverse("employers:engagement", args=[employer.pk]),
            {"kind": "meeting"},
        ).status_code
        == 403
    )


def test_add_employer_and_log_an_engagement(client, coach):
    client.force_login(coach)
    response = client.post(
        reverse("employers:employer-new"),
        {"name": "Green Leaf Garden Centre", "sector": "Horticulture", "size": "small"},
    )
    employer = Employer.objects.get(name="Green Leaf Garden Centre")
    assert response.status_code == 302
    today = dt.date.today()
    response = client.post(
        reverse("employers:engagement", args=[employer.pk]),
        {
            "kind": "awareness_training",
            "occurred_on_0": today.day,
            "occurred_on_1": today.month,
            "occurred_on_2": today.year,
            "attendees": 12,
            "notes": "Autism awareness for the shop floor team",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("employers:employer", args=[employer.pk])).content.decode()
    assert "Disability-awareness training delivered" in page and "(12 staff)" in page


def test_duplicate_employer_name_is_refused_with_a_message(client, coach, employer):
    client.force_login(coach)
    response = client.post(reverse("employers:employer-new"), {"name": "riverside café"})
    assert response.status_code == 400
    assert "already on your employer list" in response.content.decode()


def test_commissioner_sees_pledges_not_employers(client, team, employer):
    commissioner = staff(Role.COMMISSIONER, team)
    client.force_login(commissioner)
    assert client.get(reverse("employers:employer", args=[employer.pk])).status_code == 404
    assert client.get(reverse("employers:pledges")).status_code == 200
    assert client.get(reverse("employers:employers")).status_code == 200  # an empty list


def test_edit_employer_and_a_stale_form_is_a_conflict(client, coach, employer):
    client.force_login(coach)
    url = reverse("employers:employer-edit", args=[employer.pk])
    data = {"name": "Riverside Café", "sector": "Hospitality", "version": employer.version}
    assert client.post(url, data).status_code == 302
    employer.refresh_from_db()
    assert employer.sector == "Hospitality"
    stale = client.post(url, {**data, "sector": "Retail"})
    assert stale.status_code == 409
    employer.refresh_from_db()
    assert employer.sector == "Hospitality"


def test_an_edit_without_the_version_it_was_read_at_is_not_saved(client, coach, employer):
    """A form that lost its version (a crafted post, an old page) could undo someone
    else's change unseen: it is refused, and says what to do."""
    client.force_login(coach)
    url = reverse("employers:employer-edit", args=[employer.pk])
    response = client.post(url, {"name": "Riverside Café", "sector": "Hospitality"})
    assert response.status_code == 400
    assert "This page was out of date" in response.content.decode()
    employer.refresh_from_db()
    assert employer.sector != "Hospitality"


def test_employer_list_counts_only_open_opportunities(client, coach, employer, team):
    OpportunityFactory(employer=employer, authority=team.authority)
    OpportunityFactory(employer=employer, authority=team.authority, closed_on=dt.date.today())
    OpportunityFactory(
        employer=employer,
        authority=team.authority,
        closes_on=dt.date.today() - dt.timedelta(days=1),
    )
    client.force_login(coach)
    page = client.get(reverse("employers:employers")).content.decode()
    row = page[page.index("Riverside Café") :]
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">1</td>' in row[:800]
