"""A coach finds a case note from the people search page, and opens the episode."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from pathways.casework.models import Activity, ActivityKind
from tests.factories import EpisodeFactory


def test_a_coach_searches_case_notes_and_opens_the_episode(page, sign_in, axe_check, team, coach):
    episode = EpisodeFactory(team=team, worker=coach)
    Activity.objects.create(
        episode=episode,
        kind=ActivityKind.values[0],
        occurred_on=dt.date.today(),
        with_whom=Activity.With.PERSON,
        notes="Mock interview for the warehouse job went well",
        recorded_by=coach,
    )
    sign_in(page, coach.email)
    page.goto("/people/")
    page.get_by_role("link", name="Search case notes").click()
    page.get_by_label("Words in the notes").fill("warehouse interview")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 note found")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Mock interview for the warehouse job went well")
    ).to_be_visible()
    axe_check(page)
    page.get_by_role("link", name=episode.person.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(episode.person.full_name)
