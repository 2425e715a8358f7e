"""Erasing a person's record closes their portal accounts (theirs and their supporters')
and leaves no address or name of them behind, in the rows or on the trail."""

from __future__ import annotations

import pytest
from django.test import Client

from pathways.core.audit import person_trail
from pathways.core.models import User
from pathways.people.models import Contact
from pathways.portal.models import PortalAccount
from pathways.portal.services import sign_in_link
from pathways.privacy import erasure
from tests.factories import portal_account
from tests.privacy.test_erasure import approved, dpo, full_record

pytestmark = pytest.mark.django_db


def test_erasure_closes_the_portal_accounts_and_scrubs_their_addresses(team, coach):
    someone = full_record(team)
    own = portal_account(someone, invited_by=coach, email="quillon.own@example.org")
    helper = Contact.objects.create(
        person=someone, name="Zebedee Helper", relationship="advocate", email="zeb@example.org"
    )
    supporter = portal_account(someone, invited_by=coach, supporter=helper, sections=["plan"])
    token = sign_in_link(own.user, "").split("link=")[1]
    officer = dpo(team)

    erasure.carry_out_erasure(officer, approved(team, someone, officer), confirmed=True)

    assert not PortalAccount.objects.filter(person=someone).exists()
    for account in (own, supporter):
        user = User.objects.get(pk=account.user_id)
        assert not user.is_active
        assert user.email == f"erased-{user.pk}@erased.invalid"
        assert (user.first_name, user.last_name) == ("", "")
    trail = " ".join(
        f"{e.object_repr} {e.changes} {e.additional_data}" for e in person_trail(someone)
    )
    for trace in ("quillon.own@example.org", "zeb@example.org", "Zebedee"):
        assert trace not in trail
    assert Client().post("/my/sign-in/", {"link": token}).status_code == 400
