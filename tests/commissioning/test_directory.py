"""Keeping the provider directory, and reading it with filters."""

from __future__ import annotations

import pytest

from pathways.commissioning import directory, selectors
from pathways.commissioning.models import Provider
from pathways.core.errors import ConcurrentEdit, PermissionDenied
from pathways.core.models import Organisation
from tests.factories import AuthorityFactory, OrganisationFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def record(user, organisation, authorities, **kwargs):
    values = {"services": ["ips"], **kwargs}
    return directory.record_provider(
        user, organisation=organisation, authorities=authorities, **values
    )


def test_a_commissioner_adds_a_provider_to_the_directory(commissioner, authority):
    org = OrganisationFactory(name="Working Minds", kind=Organisation.Kind.CHARITY)
    provider = record(
        commissioner,
        org,
        [authority],
        services=["ips", "supported_employment"],
        need_groups=["mental_health"],
        places=30,
        accreditation=" IPS Grow ",
    )
    assert provider.services == ["supported_employment", "ips"]
    assert provider.need_groups == ["mental_health"]
    assert provider.places == 30 and provider.accreditation == "IPS Grow"
    assert list(provider.authorities.all()) == [authority]


@pytest.mark.parametrize("who", ["coach", "manager", "intake"])
def test_staff_who_do_not_commission_may_not_keep_the_directory(request, who, authority):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied, match="Only commissioners and administrators"):
        record(user, OrganisationFactory(), [authority])
    assert not Provider.objects.exists()


def test_another_authoritys_commissioner_may_not_list_a_provider_here(
    other_commissioner, authority
):
    with pytest.raises(directory.FieldRefused) as refused:
        record(other_commissioner, OrganisationFactory(), [authority])
    assert refused.value.field == "authorities"
    assert "you do not commission for Newham" in refused.value.message


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"services": []}, "services"),
        ({"services": ["juggling"]}, "services"),
        ({"need_groups": ["sadness"]}, "need_groups"),
        ({"places": -1}, "places"),
    ],
)
def test_each_rule_names_its_field(commissioner, authority, kwargs, field):
    with pytest.raises(directory.FieldRefused) as refused:
        record(commissioner, OrganisationFactory(), [authority], **kwargs)
    assert refused.value.field == field and refused.value.message.startswith(f"{field}: ")


def test_no_authorities_is_refused(commissioner):
    with pytest.raises(directory.FieldRefused) as refused:
        record(commissioner, OrganisationFactory(), [])
    assert refused.value.field == "authorities"


def test_a_stale_version_is_refused_and_changes_nothing(commissioner, charity, authority):
    assert charity.version == 1
    record(commissioner, charity.organisation, [authority], places=50, version=1)
    charity.refresh_from_db()
    assert (charity.places, charity.version) == (50, 2)
    with pytest.raises(ConcurrentEdit):
        record(commissioner, charity.organisation, [authority], places=10, version=1)
    charity.refresh_from_db()
    assert charity.places == 50


def test_an_authority_outside_the_keepers_remit_stays_on_the_entry(
    commissioner, charity, authority, elsewhere
):
    charity.authorities.add(elsewhere)
    record(commissioner, charity.organisation, [authority], services=["ips"])
    assert set(charity.authorities.all()) == {authority, elsewhere}


def test_the_directory_filters_by_service_need_group_and_authority(
    coach, authority, django_assert_max_num_queries
):
    elsewhere = AuthorityFactory()
    ips = ProviderFactory(
        organisation__name="B IPS", services=["ips"], need_groups=["mental_health"]
    )
    ips.authorities.set([authority])
    anyone = ProviderFactory(organisation__name="A All", services=["ips", "job_retention"])
    anyone.authorities.set([authority, elsewhere])
    far = ProviderFactory(organisation__name="C Far", services=["supported_internship"])
    far.authorities.set([elsewhere])
    for i in range(10):
        ProviderFactory(organisation__name=f"Z{i}").authorities.set([elsewhere])

    with django_assert_max_num_queries(3):  # the scope, the providers, their authorities
        everyone = selectors.directory(coach)
        assert [str(p) for p in everyone[:3]] == ["A All", "B IPS", "C Far"]
        assert all(p.authorities.all() is not None for p in everyone)
    assert [str(p) for p in selectors.directory(coach, service="ips")] == ["A All", "B IPS"]
    # An entry with no need groups serves every group.
    assert [str(p) for p in selectors.directory(coach, need_group="learning_disability")][:1] == [
        "A All"
    ]
    assert "B IPS" not in [
        str(p) for p in selectors.directory(coach, need_group="learning_disability")
    ]
    assert [str(p) for p in selectors.directory(coach, authority=authority)] == [
        "A All",
        "B IPS",
    ]


def test_a_change_of_the_entry_and_its_authorities_is_on_the_trail(
    other_commissioner, charity, elsewhere
):
    from auditlog.models import LogEntry

    directory.record_provider(
        other_commissioner,
        organisation=charity.organisation,
        services=["ips", "job_retention"],
        authorities=[elsewhere],
        places=40,
    )
    changes = [e.changes_dict for e in LogEntry.objects.get_for_object(charity)]
    assert any("services" in c for c in changes)
    assert any(c.get("authorities", {}).get("operation") == "add" for c in changes)
    assert {a.code for a in charity.authorities.all()} == {"E09000025", "E09000030"}
