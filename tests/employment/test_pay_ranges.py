"""Hourly pay within plausible bounds wherever it is entered: a job start, a change of
pay, an opportunity. Nothing or less, and over £500, are refused on the field; under £5
or over £60 is asked about, and saved once confirmed (decision 0036)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pathways.casework.models import Stage
from pathways.core.errors import NeedsConfirmation
from pathways.employers.opportunities import services as opportunities
from pathways.employers.opportunities.models import Opportunity
from pathways.employment import services
from pathways.employment.models import Placement
from tests.api.conftest import client_for
from tests.factories import EmployerFactory, EpisodeFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date.today  # called in each test: a run may cross midnight


def parts(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def the_key(html: str, name: str = "confirm_unusual") -> str:
    found = re.search(rf'name="{name}" type="checkbox" value="([0-9a-f]+)"', html)
    assert found, "the page does not ask to confirm"
    return found[1]


@pytest.fixture
def episode(team, coach):
    return EpisodeFactory(
        team=team,
        worker=coach,
        stage=Stage.EMPLOYER_ENGAGEMENT,
        started_on=TODAY() - dt.timedelta(days=120),
    )


@pytest.fixture
def employer(team):
    return EmployerFactory(organisation=team.organisation, name="Riverside Café")


def start(coach, episode, employer, pay, **kwargs):
    return services.record_job_start(
        coach,
        episode.person,
        start_date=TODAY() - dt.timedelta(days=10),
        employer=employer,
        job_title="Kitchen porter",
        kind="employed",
        paid=True,
        hours_per_week=Decimal("16"),
        hourly_pay=Decimal(pay) if pay is not None else None,
        **kwargs,
    )


class TestJobStart:
    @pytest.mark.parametrize("pay", ["0", "1000"])
    def test_impossible_pay_is_refused_on_the_field(self, coach, episode, employer, pay):
        with pytest.raises(ValidationError) as refused:
            start(coach, episode, employer, pay)
        assert "hourly_pay" in refused.value.message_dict
        assert not Placement.objects.exists()

    @pytest.mark.parametrize("pay", ["3.50", "85"])
    def test_unusual_pay_is_asked_about_and_saved_once_confirmed(
        self, coach, episode, employer, pay
    ):
        with pytest.raises(NeedsConfirmation) as asked:
            start(coach, episode, employer, pay)
        assert asked.value.unusual[0].field == "hourly_pay"
        assert not Placement.objects.exists()
        placement = start(coach, episode, employer, pay, confirmed=asked.value.key)
        assert placement.hourly_pay == Decimal(pay)

    @pytest.mark.parametrize("pay", ["7.55", "12.21", None])
    def test_ordinary_pay_and_pay_not_known_are_not_asked_about(
        self, coach, episode, employer, pay
    ):
        assert start(coach, episode, employer, pay).pk

    def test_the_page_asks_then_saves_when_ticked(self, client, coach, episode, employer):
        client.force_login(coach)
        url = reverse("employment:job-start", args=[episode.person_id])
        data = {
            "employer": employer.pk,
            "job_title": "Gardener",
            "kind": "employed",
            "paid": "yes",
            **parts("start_date", TODAY() - dt.timedelta(days=3)),
            "hours_per_week": "20",
            "hourly_pay": "2.50",
            "supported": "yes",
        }
        asked = client.post(url, data)
        html = asked.content.decode()
        assert asked.status_code == 400
        assert "£2.50 an hour is under any minimum wage" in html
        assert "Yes, this is right" in html
        assert not Placement.objects.exists()
        saved = client.post(url, {**data, "confirm_unusual": the_key(html)})
        assert saved.status_code == 302
        assert Placement.objects.get().hourly_pay == Decimal("2.50")

    def test_the_page_refuses_absurd_pay_on_the_field(self, client, coach, episode, employer):
        client.force_login(coach)
        response = client.post(
            reverse("employment:job-start", args=[episode.person_id]),
            {
                "employer": employer.pk,
                "job_title": "Gardener",
                "kind": "employed",
                "paid": "yes",
                **parts("start_date", TODAY() - dt.timedelta(days=3)),
                "hours_per_week": "20",
                "hourly_pay": "1000",
                "supported": "yes",
            },
        )
        html = response.content.decode()
        assert 'href="#id_hourly_pay"' in html and "£500 or less" in html
        assert "Yes, this is right" not in html

    def test_the_api_accepts_unusual_pay_and_refuses_absurd_pay(self, coach, episode, employer):
        api = client_for(coach)
        url = f"/api/v1/people/{episode.person_id}/placements"
        body = {
            "start_date": (TODAY() - dt.timedelta(days=3)).isoformat(),
            "employer": employer.pk,
            "job_title": "Lifeguard",
            "kind": "employed",
            "paid": True,
            "hours_per_week": "18",
        }
        absurd = api.post(url, {**body, "hourly_pay": "1000"}, content_type="application/json")
        assert absurd.status_code == 422
        assert "£500 or less" in absurd.json()["errors"]["hourly_pay"]
        unusual = api.post(url, {**body, "hourly_pay": "75"}, content_type="application/json")
        assert unusual.status_code == 201, unusual.content
        assert Placement.objects.get().hourly_pay == Decimal("75")


class TestChangeOfPay:
    def test_unusual_new_pay_is_asked_about_on_the_placement_page(
        self, client, coach, episode, employer
    ):
        placement = start(coach, episode, employer, "12.60")
        client.force_login(coach)
        url = reverse("employment:terms", args=[placement.pk])
        data = {
            "terms-version": placement.version,
            **parts("terms-effective_from", TODAY() - dt.timedelta(days=2)),
            "terms-hours_per_week": "16",
            "terms-hourly_pay": "65",
        }
        asked = client.post(url, data)
        html = asked.content.decode()
        assert "£65.00 an hour is more than £60" in html
        assert '<details class="govuk-details" open>' in html  # the form is shown open
        placement.refresh_from_db()
        assert placement.hourly_pay == Decimal("12.60")
        key = the_key(html, "terms-confirm_unusual")
        saved = client.post(url, {**data, "terms-confirm_unusual": key})
        assert saved.status_code == 302
        placement.refresh_from_db()
        assert placement.hourly_pay == Decimal("65")

    def test_impossible_new_pay_is_refused(self, coach, episode, employer):
        placement = start(coach, episode, employer, "12.60")
        with pytest.raises(ValidationError):
            services.change_terms(
                coach,
                placement,
                effective_from=TODAY(),
                hours_per_week=Decimal("16"),
                hourly_pay=Decimal("0"),
            )


class TestOpportunity:
    def fields(self, authority, pay):
        return {
            "opportunity_ref": "OPP-NEW",
            "authority": authority,
            "title": "Barista",
            "kind": "employed",
            "paid": True,
            "hours_per_week": Decimal("16"),
            "hourly_pay": Decimal(pay),
        }

    def test_unusual_pay_is_asked_about_and_impossible_refused(self, coach, employer, authority):
        with pytest.raises(ValidationError):
            opportunities.create_opportunity(coach, employer, **self.fields(authority, "600"))
        with pytest.raises(NeedsConfirmation) as asked:
            opportunities.create_opportunity(coach, employer, **self.fields(authority, "4"))
        assert not Opportunity.objects.exists()
        made = opportunities.create_opportunity(
            coach, employer, confirmed=asked.value.key, **self.fields(authority, "4")
        )
        assert made.hourly_pay == Decimal("4")

    def test_an_edit_that_keeps_the_pay_is_not_asked_again(self, coach, employer, authority):
        kept = OpportunityFactory(employer=employer, authority=authority, hourly_pay=Decimal("70"))
        changed = opportunities.update_opportunity(coach, kept, title="Head barista")
        assert changed.title == "Head barista"
        with pytest.raises(NeedsConfirmation):
            opportunities.update_opportunity(coach, kept, hourly_pay=Decimal("90"))

    def test_the_page_asks_then_saves_when_ticked(self, client, coach, employer, authority, team):
        client.force_login(coach)
        url = reverse("employers:opportunity-new", args=[employer.pk])
        data = {
            "opportunity_ref": "OPP-NEW",
            "authority": authority.pk,
            "title": "Barista",
            "kind": "employed",
            "paid": "yes",
            "hours_per_week": "16",
            "hourly_pay": "61",
            "places": "1",
        }
        asked = client.post(url, data)
        html = asked.content.decode()
        assert "£61.00 an hour is more than £60" in html and "Yes, this is right" in html
        assert not Opportunity.objects.exists()
        saved = client.post(url, {**data, "confirm_unusual": the_key(html)})
        assert saved.status_code == 302
        assert Opportunity.objects.get().hourly_pay == Decimal("61")
