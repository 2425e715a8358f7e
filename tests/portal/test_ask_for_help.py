"""The public "Ask for help to find work" pages: no account, CSRF on, the council
chosen from a list (or straight to the only one), answers kept when something needs
fixing, and the same "what happens next" whether a request was kept or dropped."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from pathways.referrals.help_requests import form_started_token
from pathways.referrals.models import HelpRequest
from tests.factories import AuthorityFactory, TeamFactory

pytestmark = pytest.mark.django_db


def answers(**changes) -> dict:
    return {
        "given_name": "Jordan",
        "family_name": "Asante",
        "email": "jordan@example.com",
        "phone": "",
        "wants": "Work in a garden centre.",
        "care_and_support": "dont_know",
        "date_of_birth_0": "",
        "date_of_birth_1": "",
        "date_of_birth_2": "",
        "postcode": "",
        "website": "",
        "form_started": form_started_token(time.time() - 60),
        **changes,
    }


def test_one_council_goes_straight_to_its_form(client, team, authority):
    answer = client.get("/ask-for-help/")
    assert answer.status_code == 302 and answer["Location"] == f"/ask-for-help/{authority.code}/"


def test_several_councils_are_listed_to_choose_from(client, team, authority):
    elsewhere = TeamFactory(authority=AuthorityFactory(name="Hackney"))
    page = client.get("/ask-for-help/").content.decode()
    assert f'href="/ask-for-help/{authority.code}/"' in page
    assert f'href="/ask-for-help/{elsewhere.authority.code}/"' in page


def test_a_request_is_sent_and_the_next_steps_shown(client, team, authority, intake):
    form = client.get(f"/ask-for-help/{authority.code}/").content.decode()
    assert 'name="website"' in form and "<div hidden>" in form
    answer = client.post(f"/ask-for-help/{authority.code}/", answers())
    assert answer.status_code == 302
    assert answer["Location"] == f"/ask-for-help/{authority.code}/sent/"
    kept = HelpRequest.objects.get()
    assert (kept.authority, kept.full_name, kept.care_and_support) == (
        authority,
        "Jordan Asante",
        "dont_know",
    )
    page = client.get(answer["Location"]).content.decode()
    assert "What happens next" in page and "They will phone or email you soon." in page


def test_a_program_gets_the_same_answer_and_nothing_is_kept(client, team, authority):
    filled = client.post(f"/ask-for-help/{authority.code}/", answers(website="buy now"))
    fast = client.post(
        f"/ask-for-help/{authority.code}/", answers(form_started=form_started_token())
    )
    for answer in (filled, fast):
        assert answer.status_code == 302
        assert answer["Location"] == f"/ask-for-help/{authority.code}/sent/"
    assert not HelpRequest.objects.exists()


def test_mistakes_are_named_and_what_was_typed_is_kept(client, team, authority):
    answer = client.post(
        f"/ask-for-help/{authority.code}/",
        answers(email="", given_name="", date_of_birth_0="31", date_of_birth_1="2"),
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Please check this" in page
    assert "Write your first name." in page
    assert "Write your email address or your phone number. We need one to contact you." in page
    assert "Type the day, month and year you were born." in page
    assert "Work in a garden centre." in page and 'value="Asante"' in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: " in page
    assert not HelpRequest.objects.exists()


def test_past_the_hourly_limit_the_person_is_told_to_try_later(client, team, authority, settings):
    settings.PATHWAYS_HELP_REQUEST_LIMIT_PER_ADDRESS = 1
    client.post(f"/ask-for-help/{authority.code}/", answers())
    answer = client.post(f"/ask-for-help/{authority.code}/", answers(given_name="Sam"))
    assert answer.status_code == 400
    assert "Please try again in an hour, or phone the council." in answer.content.decode()
    assert HelpRequest.objects.count() == 1


def test_csrf_is_checked(team, authority):
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/ask-for-help/{authority.code}/", answers()).status_code == 403
    assert not HelpRequest.objects.exists()


def test_an_unknown_council_is_not_found(client):
    assert client.get("/ask-for-help/NOWHERE/").status_code == 404


def test_a_signed_in_person_may_ask_too(person_client, team, authority):
    assert person_client.get(f"/ask-for-help/{authority.code}/").status_code == 200
