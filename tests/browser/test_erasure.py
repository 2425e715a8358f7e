"""The data protection officer erases a record whose retention is over, in a real
browser: the due list, proposing, approving (with a mistake first), then carrying out
after the confirmation page. axe-core checks every page on the way."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from pathways.people.models import Person
from pathways.privacy.models import ErasureRequest, ErasureStatus
from tests.privacy.retention_data import closed_episode, dpo


@pytest.fixture
def officer(team):
    return dpo(team)


@pytest.fixture
def due_person(team):
    return closed_episode(team, dt.date(2016, 5, 20), given_name="Ada", family_name="Loxley")


def test_the_dpo_erases_a_record_due_for_erasure(
    page: Page, axe_check, sign_in, screenshot, officer, due_person
):
    page.goto("/sign-in/")
    sign_in(page, officer.email)

    page.goto("/privacy/retention/")
    expect(page.get_by_role("heading", level=1, name="Retention schedule")).to_be_visible()
    axe_check(page)

    page.goto("/privacy/retention/due/")
    row = page.get_by_role("row").filter(has_text="Ada Loxley")
    expect(row).to_contain_text("20 May 2022")
    axe_check(page)
    screenshot(page, "erasure-due")
    row.get_by_role("link", name="Propose erasure").click()

    expect(page.get_by_role("heading", level=1, name="Propose erasure")).to_be_visible()
    expect(page.get_by_label("Retention period over")).to_be_checked()
    axe_check(page)
    page.get_by_role("button", name="Propose erasure").click()

    expect(page.get_by_role("heading", level=1, name="Erasure request")).to_be_visible()
    expect(page.get_by_text("Erasure proposed. It now needs approval.")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Approve erasure").click()  # not ticked: refused
    expect(page.get_by_role("alert")).to_contain_text("Confirm that you have checked")
    axe_check(page)
    page.get_by_label("I have checked that this record may be erased").check()
    page.get_by_role("button", name="Approve erasure").click()
    expect(page.get_by_text("Erasure approved.")).to_be_visible()

    page.get_by_role("link", name="Carry out erasure").click()
    expect(page.get_by_text("This cannot be undone.")).to_be_visible()
    axe_check(page)
    screenshot(page, "erasure-confirm")
    page.get_by_label("I understand that the erasure cannot be undone").check()
    page.get_by_role("button", name="Erase the record").click()

    expect(page.get_by_text("The record has been erased.")).to_be_visible()
    expect(page.get_by_text("Ada Loxley")).to_have_count(0)
    axe_check(page)
    assert ErasureRequest.objects.get().status == ErasureStatus.CARRIED_OUT
    assert Person.objects.get(pk=due_person.pk).full_name == "Erased record"

    page.goto("/privacy/erasure/")
    expect(page.get_by_role("row").filter(has_text="Carried out")).to_contain_text("Erased")
    axe_check(page)
