"""Authorities, teams and staff as a council's spreadsheets bring them."""

from __future__ import annotations

import pytest

from pathways.core.models import Authority, Membership, Organisation, Role, Team, User
from tests.factories import OrganisationFactory, ReferralFactory, TeamFactory, staff
from tests.imports.conftest import csv_text

pytestmark = pytest.mark.django_db

TEAMS_HEADER = "code,name,authority,organisation,organisation_kind,caseload_cap"
STAFF_HEADER = "email,given_name,family_name,team,role"


class TestAuthorities:
    def test_create_then_rename(self, run):
        assert run("authorities", csv_text("code,name", "E09000025,Newham")).status == 0
        result = run("authorities", csv_text("code,name", "E09000025,London Borough of Newham"))
        assert result.last == "imported: 0 created, 1 updated, 0 unchanged"
        assert Authority.objects.get().name == "London Borough of Newham"

    def test_over_long_name_is_refused(self, run):
        result = run("authorities", csv_text("code,name", "E1," + "x" * 201))
        assert result.err[0].endswith("name: is 201 characters long; the most allowed is 200")
        assert not Authority.objects.exists()


class TestTeams:
    def test_creates_the_organisation_with_its_kind_and_blank_cap_means_none(self, run, authority):
        result = run(
            "teams",
            csv_text(
                TEAMS_HEADER,
                "SE9,Supported Employment,E09000025,Newham Council,council,40",
                "IPS9,IPS,E09000025,East London NHS Foundation Trust,NHS,",
                "LD9,Learning Disability,E09000025,newham council,council,",
            ),
        )
        assert result.last == "imported: 3 created, 0 updated, 0 unchanged"
        assert Team.objects.get(code="SE9").caseload_cap == 40
        ips = Team.objects.get(code="IPS9")
        assert ips.caseload_cap is None
        assert ips.organisation.kind == Organisation.Kind.NHS
        # Organisation names match whatever their letter case: one council, not two.
        assert Team.objects.get(code="LD9").organisation.name == "Newham Council"
        assert Organisation.objects.filter(name__iexact="newham council").count() == 1

    def test_reimport_is_unchanged_and_a_new_cap_is_an_update(self, run, authority):
        content = csv_text(
            TEAMS_HEADER, "SE9,Supported Employment,E09000025,Newham Council,council,40"
        )
        run("teams", content)
        assert run("teams", content).last == "imported: 0 created, 0 updated, 1 unchanged"
        result = run(
            "teams",
            csv_text(TEAMS_HEADER, "SE9,Supported Employment,E09000025,Newham Council,council,35"),
            "--dry-run",
        )
        assert result.out[0].endswith("update SE9 (caseload_cap)")
        run("teams", csv_text(TEAMS_HEADER, "SE9,SE,E09000025,Newham Council,council,35"))
        assert Team.objects.get(code="SE9").caseload_cap == 35

    def test_changing_an_organisations_kind_updates_it(self, run, authority):
        OrganisationFactory(name="Mencap Works", kind=Organisation.Kind.PRIVATE)
        result = run("teams", csv_text(TEAMS_HEADER, "MW1,Mencap,E09000025,Mencap Works,charity,"))
        assert result.status == 0, result.err
        assert Organisation.objects.get(name="Mencap Works").kind == Organisation.Kind.CHARITY

    def test_problems(self, run, authority):
        result = run(
            "teams",
            csv_text(
                TEAMS_HEADER,
                "A1,A,E09000025,Acme,private,0",
                "B1,B,E09099999,Acme,private,",
                "C1,C,E09000025,Acme,charity,",
                "D1,D,E09000025,Other,plc,",
            ),
        )
        assert result.err == [
            f"{result.file}:2: caseload_cap: '0' is not a whole number of 1 or more",
            f"{result.file}:3: authority: no authority has the code 'E09099999'",
            f"{result.file}:4: organisation_kind: line 2 says Acme is private; "
            "an organisation has one kind",
            f"{result.file}:5: organisation_kind: 'plc' is not one of: council, nhs, charity, "
            "social_enterprise, private, college, dwp",
            "4 errors, nothing imported",
        ]
        assert not Team.objects.exclude(code__in=[]).filter(code__in=["A1", "B1", "C1"]).exists()

    def test_a_team_with_cases_cannot_move_authority(self, run, team):
        ReferralFactory(team=team)
        run("authorities", csv_text("code,name", "E09000030,Tower Hamlets"))
        result = run(
            "teams", csv_text(TEAMS_HEADER, f"{team.code},{team.name},E09000030,Council,council,2")
        )
        assert result.status == 1
        assert "cannot move to another authority" in result.err[0]
        assert Team.objects.get(pk=team.pk).authority.code == "E09000025"


class TestStaff:
    def test_new_accounts_have_no_usable_password_and_one_membership(self, run, team):
        result = run(
            "staff",
            csv_text(STAFF_HEADER, "Ann.Coach@Example.org,Ann,Coach,SE1,employment_specialist"),
        )
        assert result.last == "imported: 1 created, 0 updated, 0 unchanged"
        user = User.objects.get(email="ann.coach@example.org")
        assert (user.first_name, user.last_name) == ("Ann", "Coach")
        assert not user.has_usable_password()
        assert list(user.memberships.values_list("team__code", "role")) == [
            ("SE1", Role.EMPLOYMENT_SPECIALIST)
        ]

    def test_import_replaces_other_memberships_and_reimport_is_unchanged(
        self, run, team, other_team
    ):
        user = staff(
            Role.EMPLOYMENT_SPECIALIST,
            team,
            email="kim@example.org",
            first_name="Kim",
            last_name="Park",
        )
        Membership.objects.create(user=user, team=team, role=Role.INTAKE_OFFICER)
        content = csv_text(STAFF_HEADER, "kim@example.org,Kim,Lee,IPS1,team_manager")
        result = run("staff", content, "--dry-run")
        assert result.out[0].endswith("update kim@example.org (family_name, team, role)")
        assert run("staff", content).last == "imported: 0 created, 1 updated, 0 unchanged"
        assert list(user.memberships.values_list("team__code", "role")) == [
            ("IPS1", Role.TEAM_MANAGER)
        ]
        assert run("staff", content).last == "imported: 0 created, 0 updated, 1 unchanged"
        user.refresh_from_db()
        assert user.has_usable_password()  # an existing password is left alone

    def test_problems(self, run, team):
        result = run(
            "staff",
            csv_text(
                STAFF_HEADER,
                "not-an-email,A,B,SE1,admin",
                "a@example.org,A,B,NOPE,admin",
                "b@example.org,B,C,SE1,boss",
            ),
        )
        assert result.err == [
            f"{result.file}:2: email: 'not-an-email' is not an email address",
            f"{result.file}:3: team: no team has the code 'NOPE'",
            f"{result.file}:4: role: 'boss' is not one of: intake_officer, employment_specialist, "
            "team_manager, package_approver, commissioner, data_protection_officer, admin",
            "3 errors, nothing imported",
        ]
        assert not User.objects.exists()

    def test_a_team_code_is_matched_exactly(self, run, team):
        TeamFactory(code="se1-old", authority=team.authority)
        result = run("staff", csv_text(STAFF_HEADER, "a@example.org,A,B,se1,admin"))
        assert result.err[0].endswith("team: no team has the code 'se1'")
