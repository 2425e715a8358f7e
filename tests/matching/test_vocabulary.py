"""Administrators keep the interest vocabulary: add, rename, merge and retire interests.
Everyone else is refused; every change is on the trail; after a merge matching still
compares like with like."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pathways.casework.models import VocationalProfile
from pathways.core import audit
from pathways.core.errors import ActionRefused
from pathways.core.models import InterestTag, Role
from pathways.employers.opportunities.models import Opportunity
from pathways.matching import selectors
from pathways.matching.services import (
    add_interest,
    merge_interests,
    rename_interest,
    retire_interest,
)
from tests.cafe import seeker
from tests.factories import OpportunityFactory, ProfileFactory, UserFactory, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(team):
    return staff(Role.ADMIN, team, email="admin@example.org")


@pytest.fixture
def shops(db):
    """The interest an import added for a code nobody had used: it means retail."""
    return InterestTag.objects.create(code="shops", label="Shops")


def field_error(exc: ValidationError, field: str) -> str:
    return " ".join(exc.message_dict[field])


# --- Services -------------------------------------------------------------------------


def test_an_administrator_adds_an_interest_with_a_code_made_from_its_name(admin):
    tag = add_interest(admin, label="  Bike   repair ")
    assert (tag.code, tag.label) == ("bike_repair", "Bike repair")
    assert LogEntry.objects.get_for_object(tag).filter(action=LogEntry.Action.CREATE).exists()


@pytest.mark.parametrize("label", ["shops", "SHOPS", " Shops "])
def test_a_name_already_in_the_list_in_any_letter_case_is_refused(admin, shops, label):
    with pytest.raises(ValidationError) as refused:
        add_interest(admin, label=label)
    assert field_error(refused.value, "label") == (
        "There is already an interest called “Shops” (shops)."
    )
    assert InterestTag.objects.filter(code__startswith="shops").count() == 1


def test_a_name_whose_code_is_taken_is_refused_naming_the_interest(admin, retail):
    # "Retail!" is not the name of "Shops and retail", but its code would be "retail".
    with pytest.raises(ValidationError) as refused:
        add_interest(admin, label="Retail!")
    assert "“Shops and retail” (retail)" in field_error(refused.value, "label")


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("   ", "Enter the interest's name."),
        ("x" * 81, "The name must be 80 characters or fewer."),
        ("£ & %", "Use letters or digits in the name."),
    ],
)
def test_a_name_that_cannot_be_used_is_refused_with_a_reason(admin, label, message):
    with pytest.raises(ValidationError) as refused:
        add_interest(admin, label=label)
    assert field_error(refused.value, "label") == message


def test_renaming_keeps_the_code_so_imports_still_work(admin, shops):
    rename_interest(admin, shops, label="Shops and high street")
    shops.refresh_from_db()
    assert (shops.code, shops.label) == ("shops", "Shops and high street")
    change = LogEntry.objects.get_for_object(shops).get(action=LogEntry.Action.UPDATE)
    assert change.changes_dict["label"] == ["Shops", "Shops and high street"]


def test_renaming_to_another_interests_name_is_refused(admin, shops, retail):
    with pytest.raises(ValidationError) as refused:
        rename_interest(admin, shops, label="shops AND retail")
    assert "“Shops and retail”" in field_error(refused.value, "label")
    # A change of letter case of its own name is fine.
    assert rename_interest(admin, shops, label="SHOPS").label == "SHOPS"


def test_merging_moves_every_use_and_matching_compares_like_with_like(
    admin, team, coach, shops, retail, opportunity
):
    """Pat's profile says "shops" (from an import), the café says "retail": they did not
    match on interests; after the merge they do."""
    pat = seeker(team, coach, retail, ref="P-PAT", interests=False)
    pat.vocational_profile.interests.set([shops])
    both = ProfileFactory()
    both.interests.set([shops, retail])
    shop_job = OpportunityFactory(employer=opportunity.employer, authority=team.authority)
    shop_job.tags.set([shops])
    cafe = Opportunity.objects.filter(pk=opportunity.pk)

    def reasons() -> str:
        return " ".join(selectors.opportunities_for(pat, cafe)[0].reasons)

    assert "Likes shops and retail" not in reasons()

    done = merge_interests(admin, shops, into=retail)

    assert (done["profiles"], done["opportunities"]) == (2, 1)
    assert not InterestTag.objects.filter(pk=shops.pk).exists()
    assert list(pat.vocational_profile.interests.all()) == [retail]
    assert list(both.interests.all()) == [retail]
    assert list(shop_job.tags.all()) == [retail]
    assert "Likes shops and retail — this job is in shops and retail" in reasons()
    # Someone editing Pat's profile from before the merge is told it changed.
    assert VocationalProfile.objects.get(pk=pat.vocational_profile.pk).version == 2


def test_a_merge_is_on_the_trail_of_each_person_whose_profile_changed(admin, team, coach, shops):
    pat = seeker(team, coach, shops, ref="P-PAT")
    retail = InterestTag.objects.create(code="retail_2", label="Retail")
    merge_interests(admin, shops, into=retail)
    changes = audit.person_trail(pat).filter(action=LogEntry.Action.UPDATE)
    assert changes.filter(changes__icontains="Shops").exists()
    assert changes.filter(changes__icontains="Retail").exists()
    event = LogEntry.objects.get_for_object(retail).get(action=LogEntry.Action.ACCESS)
    assert event.actor == admin
    assert event.additional_data["what"] == "interest “Shops” merged into “Retail”"
    assert event.additional_data["profiles"] == 1
    assert LogEntry.objects.filter(
        content_type__model="interesttag", object_pk=str(shops.pk), action=LogEntry.Action.DELETE
    ).exists()


def test_a_merge_that_fails_part_way_changes_nothing(
    admin, team, coach, shops, retail, monkeypatch
):
    pat = seeker(team, coach, shops, ref="P-PAT")

    def broken(*args, **kwargs):
        raise RuntimeError("the trail is unavailable")

    monkeypatch.setattr(audit, "record_event", broken)
    with pytest.raises(RuntimeError):
        merge_interests(admin, shops, into=retail)
    assert InterestTag.objects.filter(pk=shops.pk).exists()
    assert list(pat.vocational_profile.interests.all()) == [shops]


def test_merging_an_interest_into_itself_is_refused(admin, shops):
    with pytest.raises(ValidationError) as refused:
        merge_interests(admin, shops, into=shops)
    assert field_error(refused.value, "into") == "Choose a different interest to merge into."


def test_retiring_an_unused_interest_removes_it(admin, shops):
    retire_interest(admin, shops)
    assert not InterestTag.objects.filter(pk=shops.pk).exists()


def test_retiring_an_interest_in_use_is_refused_saying_what_uses_it(
    admin, team, coach, shops, opportunity
):
    seeker(team, coach, shops, ref="P-ONE")
    seeker(team, coach, shops, ref="P-TWO")
    opportunity.tags.add(shops)
    with pytest.raises(ActionRefused) as refused:
        retire_interest(admin, shops)
    assert refused.value.message == (
        "“Shops” is used by 2 profiles and 1 opportunity, so it cannot be retired. "
        "Merge it into another interest instead."
    )
    assert InterestTag.objects.filter(pk=shops.pk).exists()


@pytest.mark.parametrize(
    "role", [Role.EMPLOYMENT_SPECIALIST, Role.TEAM_MANAGER, Role.DATA_PROTECTION_OFFICER]
)
def test_only_administrators_change_the_list(team, shops, retail, role):
    user = staff(role, team)
    for attempt in (
        lambda: add_interest(user, label="Dog walking"),
        lambda: rename_interest(user, shops, label="Shopping"),
        lambda: merge_interests(user, shops, into=retail),
        lambda: retire_interest(user, shops),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    shops.refresh_from_db()
    assert shops.label == "Shops"
    assert not InterestTag.objects.filter(label="Dog walking").exists()


def test_the_list_and_its_uses_are_one_query(team, coach, shops, retail, opportunity):
    for i in range(3):
        seeker(team, coach, retail, ref=f"P{i}")
    with CaptureQueriesContext(connection) as queries:
        rows = {
            t.code: (t.profile_count, t.opportunity_count) for t in selectors.vocabulary_with_uses()
        }
    assert len(queries) == 1
    assert rows["retail"] == (3, 1)
    assert rows["shops"] == (0, 0)


# --- Pages ----------------------------------------------------------------------------


def page_urls(tag: InterestTag) -> list[tuple[str, str]]:
    return [
        ("get", reverse("matching:interests")),
        ("post", reverse("matching:interests")),
        ("get", reverse("matching:interest", args=[tag.pk])),
        ("post", reverse("matching:interest-rename", args=[tag.pk])),
        ("post", reverse("matching:interest-merge", args=[tag.pk])),
        ("post", reverse("matching:interest-retire", args=[tag.pk])),
    ]


@pytest.mark.parametrize(
    "role",
    [
        Role.INTAKE_OFFICER,
        Role.EMPLOYMENT_SPECIALIST,
        Role.TEAM_MANAGER,
        Role.COMMISSIONER,
        Role.DATA_PROTECTION_OFFICER,
    ],
)
def test_the_pages_refuse_everyone_but_administrators(client, team, shops, retail, role):
    client.force_login(staff(role, team))
    for method, url in page_urls(shops):
        data = {"label": "Dog walking", "rename-label": "X", "merge-into": retail.pk}
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 403, (method, url)
        assert b"Shops" not in response.content
    shops.refresh_from_db()
    assert shops.label == "Shops"
    assert not InterestTag.objects.filter(label="Dog walking").exists()


def test_a_superuser_may_keep_the_list(client, shops):
    client.force_login(UserFactory(is_superuser=True))
    assert client.get(reverse("matching:interests")).status_code == 200


def test_an_administrator_sees_each_interest_with_its_uses(
    client, admin, team, coach, retail, opportunity
):
    seeker(team, coach, retail, ref="P-ONE")
    client.force_login(admin)
    response = client.get(reverse("matching:interests"))
    assert response.status_code == 200
    text = response.content.decode()
    row = text[text.index("Shops and retail") :]
    row = row[: row.index("</tr>")]
    assert ">retail<" in row
    assert row.count('govuk-table__cell--numeric">1<') == 2


def test_the_list_page_does_not_grow_with_the_vocabulary(
    client, admin, team, coach, retail, django_assert_num_queries
):
    client.force_login(admin)
    url = reverse("matching:interests")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(30):
        tag = InterestTag.objects.create(code=f"extra_{i}", label=f"Extra {i}")
        seeker(team, coach, tag, ref=f"X{i}")
    with django_assert_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_adding_a_duplicate_on_the_page_says_which_interest_exists(client, admin, retail):
    client.force_login(admin)
    response = client.post(reverse("matching:interests"), {"label": "shops and RETAIL"})
    assert response.status_code == 400
    assert "There is already an interest called “Shops and retail” (retail)." in (
        response.content.decode()
    )
    response = client.post(reverse("matching:interests"), {"label": "Dog walking"}, follow=True)
    assert "“Dog walking” added to the list of interests." in response.content.decode()
    assert InterestTag.objects.filter(code="dog_walking").exists()


def test_merging_and_retiring_on_the_pages(client, admin, team, coach, shops, retail):
    seeker(team, coach, shops, ref="P-ONE")
    client.force_login(admin)
    response = client.post(reverse("matching:interest-retire", args=[shops.pk]), follow=True)
    assert "is used by 1 profile, so it cannot be retired" in response.content.decode()
    assert InterestTag.objects.filter(pk=shops.pk).exists()

    response = client.post(reverse("matching:interest-merge", args=[shops.pk]), {"merge-into": ""})
    assert response.status_code == 400
    assert "Choose the interest to merge into." in response.content.decode()

    response = client.post(
        reverse("matching:interest-merge", args=[shops.pk]),
        {"merge-into": retail.pk},
        follow=True,
    )
    assert "“Shops” merged into “Shops and retail”: 1 profile and 0 opportunities moved." in (
        response.content.decode()
    )
    assert not InterestTag.objects.filter(pk=shops.pk).exists()

    spare = InterestTag.objects.create(code="spare", label="Spare")
    response = client.post(reverse("matching:interest-retire", args=[spare.pk]), follow=True)
    assert "“Spare” retired from the list of interests." in response.content.decode()
    assert not InterestTag.objects.filter(pk=spare.pk).exists()


def test_renaming_on_the_page(client, admin, shops, retail):
    client.force_login(admin)
    url = reverse("matching:interest-rename", args=[shops.pk])
    response = client.post(url, {"rename-label": "Shops and Retail"})
    assert response.status_code == 400
    assert "There is already an interest called “Shops and retail”" in response.content.decode()
    client.post(url, {"rename-label": "High street shops"})
    shops.refresh_from_db()
    assert shops.label == "High street shops"


def test_no_such_interest_is_404(client, admin):
    client.force_login(admin)
    assert client.get(reverse("matching:interest", args=[999_999])).status_code == 404
