"""``GET /api/v1/people/{id}/documents``: metadata of a person's documents, never the
files, to those who may see the person; the read is audited."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.casework import documents
from pathways.core.audit import person_trail
from pathways.core.models import Role
from tests import file_samples
from tests.api.conftest import client_for
from tests.factories import EpisodeFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode(team, coach, documents_dir):
    return EpisodeFactory(team=team, worker=coach)


def upload(coach, episode, *, on_episode=True):
    return documents.upload_document(
        coach,
        episode.person,
        file=ContentFile(file_samples.pdf()),
        name="cv.pdf",
        kind="cv",
        title="CV",
        episode=episode if on_episode else None,
    )


def test_the_list_carries_metadata_only_and_is_audited(as_coach, coach, episode):
    first = upload(coach, episode, on_episode=False)
    second = upload(coach, episode)
    response = as_coach.get(f"/api/v1/people/{episode.person.pk}/documents")
    assert response.status_code == 200
    body = response.json()
    assert [d["id"] for d in body] == [second.pk, first.pk]
    assert body[0] == {
        "id": second.pk,
        "kind": "cv",
        "title": "CV",
        "original_name": "cv.pdf",
        "content_type": "application/pdf",
        "size": len(file_samples.pdf()),
        "sha256": second.sha256,
        "episode_ref": episode.episode_ref,
        "uploaded_by": coach.email,
        "uploaded_at": body[0]["uploaded_at"],
    }
    assert body[1]["episode_ref"] is None
    assert "%PDF" not in response.content.decode()
    entry = person_trail(episode.person).first()
    assert (entry.additional_data["channel"], entry.additional_data["what"]) == ("api", "documents")


def test_another_teams_coach_gets_404_and_the_refusal_is_audited(other_team, coach, episode):
    upload(coach, episode)
    stranger = staff(Role.EMPLOYMENT_SPECIALIST, other_team, email="stranger@example.org")
    response = client_for(stranger).get(f"/api/v1/people/{episode.person.pk}/documents")
    assert response.status_code == 404
    assert "CV" not in response.content.decode()
    refused = person_trail(episode.person).first()
    assert refused.actor == stranger and refused.additional_data["outcome"] == "denied"


def test_a_commissioner_gets_404(team, coach, episode):
    upload(coach, episode)
    commissioner = staff(Role.COMMISSIONER, team, email="commissioner@example.org")
    response = client_for(commissioner).get(f"/api/v1/people/{episode.person.pk}/documents")
    assert response.status_code == 404


def test_the_query_count_does_not_grow_with_the_documents(
    as_coach, coach, episode, django_assert_num_queries
):
    url = f"/api/v1/people/{episode.person.pk}/documents"
    upload(coach, episode)
    as_coach.get(url)
    with CaptureQueriesContext(connection) as few:
        as_coach.get(url)
    for _ in range(5):
        upload(coach, episode)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(as_coach.get(url).json()) == 6
