"""Employer services: the candidacy pipeline and the consent it needs, putting people
forward, employer records, internship rotations and pledge progress."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pathways.core.errors import ActionRefused, ConcurrentEdit, IllegalTransition
from pathways.core.models import Role
from pathways.employers.candidacies.models import Candidacy, CandidacyStep
from pathways.employers.candidacies.services import move_candidacy, next_statuses, put_forward
from pathways.employers.cohorts.models import RotationPlacement
from pathways.employers.cohorts.services import add_rotation, create_cohort, place_interns
from pathways.employers.engagement.models import Employer
from pathways.employers.engagement.services import create_employer, update_employer
from pathways.employers.pledges.selectors import pledge_progress
from pathways.employers.pledges.services import add_pledge
from pathways.people.models import Consent
from tests.factories import (
    AuthorityFactory,
    EmployerFactory,
    EpisodeFactory,
    OpportunityFactory,
    PersonFactory,
    TeamFactory,
    staff,
)

pytestmark = pytest.mark.django_db


def another_authority():
    # An explicit code: the factory's sequence can land on the ``authority`` fixture's.
    return AuthorityFactory(code="W06000011", name="Swansea")


def today() -> dt.date:
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


@pytest.fixture
def employer(team):
    return EmployerFactory(organisation=team.organisation, name="Greenway Garden Centre")


@pytest.fixture
def opportunity(team, employer):
    return OpportunityFactory(employer=employer, authority=team.authority, opened_on=days_ago(90))


@pytest.fixture
def person(team, coach):
    return EpisodeFactory(team=team, worker=coach, started_on=days_ago(120)).person


@pytest.fixture
def candidacy(coach, person, opportunity):
    return put_forward(coach, person, opportunity, on=days_ago(30), score=71)


def consent(person, recorded_by, *, given=True, on=None, scope=Consent.Scope.SHARE_WITH_EMPLOYERS):
    return Consent.objects.create(
        person=person,
        scope=scope,
        given=given,
        given_on=on or days_ago(40),
        recorded_by=recorded_by,
    )


def steps(candidacy) -> list[tuple[str, dt.date]]:
    return list(candidacy.steps.order_by("on", "pk").values_list("status", "on"))


def unchanged(candidacy, status: str, version: int, step_count: int) -> None:
    candidacy.refresh_from_db()
    assert candidacy.status == status
    assert candidacy.version == version
    assert candidacy.steps.count() == step_count


# --- the pipeline ---------------------------------------------------------------------


def test_put_forward_starts_at_suggested_with_who_and_when(candidacy, coach, person):
    assert candidacy.status == "suggested" and candidacy.status_on == days_ago(30)
    assert candidacy.score == 71
    step = candidacy.steps.get()
    assert (step.status, step.on, step.recorded_by) == ("suggested", days_ago(30), coach)
    assert step.consent is None  # nothing went to the employer


def test_moves_forward_skipping_steps_and_records_each_with_who(candidacy, coach, manager, person):
    consent(person, coach)
    move_candidacy(coach, candidacy, status="discussed", on=days_ago(20))
    move_candidacy(manager, candidacy, status="interview", on=days_ago(10))  # skips
    move_candidacy(coach, candidacy, status="accepted", on=days_ago(10))  # skips

    candidacy.refresh_from_db()
    assert candidacy.status == "accepted" and candidacy.status_on == days_ago(10)
    assert steps(candidacy) == [
        ("suggested", days_ago(30)),
        ("discussed", days_ago(20)),
        ("interview", days_ago(10)),
        ("accepted", days_ago(10)),
    ]
    assert [s.recorded_by for s in candidacy.steps.order_by("on", "pk")] == [
        coach,
        coach,
        manager,
        coach,
    ]


def test_a_candidacy_never_goes_back(candidacy, coach, person):
    consent(person, coach)
    move_candidacy(coach, candidacy, status="interview", on=days_ago(20))
    for status in ["suggested", "discussed", "applied", "interview"]:
        with pytest.raises(IllegalTransition, match="cannot go back"):
            move_candidacy(coach, candidacy, status=status, on=days_ago(10))
    unchanged(candidacy, "interview", 2, 2)
    assert next_statuses(candidacy) == [
        "offered",
        "accepted",
        "unsuccessful",
        "withdrawn",
    ]


@pytest.mark.parametrize("end", ["accepted", "unsuccessful", "withdrawn"])
def test_an_ended_candidacy_is_final(end, candidacy, coach, person):
    consent(person, coach)
    move_candidacy(coach, candidacy, status=end, on=days_ago(20), reason="Decided")
    candidacy.refresh_from_db()
    assert next_statuses(candidacy) == []
    for status in ["offered", "accepted", "unsuccessful", "withdrawn"]:
        with pytest.raises(IllegalTransition, match="This candidacy has ended"):
            move_candidacy(coach, candidacy, status=status, on=days_ago(10), reason="x")
    unchanged(candidacy, end, 2, 2)


@pytest.mark.parametrize("end", ["unsuccessful", "withdrawn"])
def test_ending_badly_needs_a_reason(end, candidacy, coach):
    with pytest.raises(ValidationError) as refused:
        move_candidacy(coach, candidacy, status=end, on=days_ago(20), reason="   ")
    assert "reason" in refused.value.message_dict
    unchanged(candidacy, "suggested", 1, 1)

    move_candidacy(coach, candidacy, status=end, on=days_ago(20), reason=" Chose college instead ")
    assert candidacy.steps.get(status=end).reason == "Chose college instead"


def test_the_date_is_neither_before_the_last_step_nor_in_the_future(candidacy, coach):
    with pytest.raises(ValidationError) as early:
        move_candidacy(coach, candidacy, status="discussed", on=days_ago(31))
    assert "before the last step" in early.value.message_dict["on"][0]
    with pytest.raises(ValidationError) as future:
        move_candidacy(coach, candidacy, status="discussed", on=today() + dt.timedelta(days=1))
    assert future.value.message_dict["on"] == ["The date cannot be in the future."]
    unchanged(candidacy, "suggested", 1, 1)

    move_candidacy(coach, candidacy, status="discussed", on=days_ago(30))  # same day
    move_candidacy(coach, candidacy, status="withdrawn", reason="Moved away")  # today
    assert steps(candidacy)[-1] == ("withdrawn", today())


def test_an_unknown_status_is_refused(candidacy, coach):
    with pytest.raises(ValidationError) as refused:
        move_candidacy(coach, candidacy, status="hired")
    assert "status" in refused.value.message_dict


def test_a_stale_version_is_a_concurrent_edit(candidacy, coach, manager):
    move_candidacy(manager, candidacy, status="discussed", expected_version=1)
    with pytest.raises(ConcurrentEdit, match="Someone else changed this candidacy"):
        move_candidacy(coach, candidacy, status="withdrawn", reason="Not now", expected_version=1)
    unchanged(candidacy, "discussed", 2, 2)


# --- consent to share with employers --------------------------------------------------


@pytest.mark.parametrize("status", ["applied", "interview", "offered", "accepted"])
def test_employer_facing_steps_need_consent(status, candidacy, coach, person):
    with pytest.raises(ActionRefused) as refused:
        move_candidacy(coach, candidacy, status=status, on=days_ago(20))
    assert str(refused.value) == (
        f"{person.given_name} has not agreed to their details being shared with employers. "
        "Record their consent on their record first; nothing was sent."
    )
    unchanged(candidacy, "suggested", 1, 1)
    assert candidacy.consent is None


def test_steps_before_the_employer_need_no_consent(candidacy, coach):
    move_candidacy(coach, candidacy, status="discussed", on=days_ago(20))
    move_candidacy(coach, candidacy, status="withdrawn", on=days_ago(10), reason="No")
    candidacy.refresh_from_db()
    assert candidacy.status == "withdrawn" and candidacy.consent is None


@pytest.mark.parametrize(
    "record",
    [
        {"given": False},  # refused
        {"scope": Consent.Scope.SHARE_WITH_DWP},  # consent for something else
        {"on": days_ago(5)},  # given after the day of the step
    ],
    ids=["refused", "other purpose", "given later"],
)
def test_consent_that_does_not_cover_the_step_is_not_enough(record, candidacy, coach, person):
    consent(person, coach, **record)
    with pytest.raises(ActionRefused, match="has not agreed to their details being shared"):
        move_candidacy(coach, candidacy, status="applied", on=days_ago(20))
    unchanged(candidacy, "suggested", 1, 1)


def test_withdrawn_consent_refuses_again(candidacy, coach, manager, person):
    given = consent(person, coach, on=days_ago(40))
    move_candidacy(coach, candidacy, status="applied", on=days_ago(20))
    consent(person, manager, given=False, on=days_ago(15))  # the person changed their mind

    with pytest.raises(ActionRefused, match="has not agreed"):
        move_candidacy(coach, candidacy, status="interview", on=days_ago(10))
    unchanged(candidacy, "applied", 2, 2)
    candidacy.refresh_from_db()
    assert candidacy.consent == given  # what was relied on when the details went


def test_the_consent_relied_on_is_recorded_on_the_step_and_the_candidacy(candidacy, coach, person):
    first = consent(person, coach, on=days_ago(40))
    move_candidacy(coach, candidacy, status="discussed", on=days_ago(25))
    move_candidacy(coach, candidacy, status="applied", on=days_ago(20))
    renewed = consent(person, coach, on=days_ago(12))
    move_candidacy(coach, candidacy, status="interview", on=days_ago(10))

    candidacy.refresh_from_db()
    assert candidacy.consent == first  # when their details first went to the employer
    by_status = {s.status: s.consent for s in candidacy.steps.all()}
    assert by_status == {
        "suggested": None,
        "discussed": None,
        "applied": first,
        "interview": renewed,
    }


def test_consent_given_and_withdrawn_on_one_day_counts_the_later_record(candidacy, coach, person):
    consent(person, coach, on=days_ago(20))
    consent(person, coach, given=False, on=days_ago(20))
    with pytest.raises(ActionRefused):
        move_candidacy(coach, candidacy, status="applied", on=days_ago(20))
    again = consent(person, coach, on=days_ago(20))
    move_candidacy(coach, candidacy, status="applied", on=days_ago(20))
    assert CandidacyStep.objects.get(candidacy=candidacy, status="applied").consent == again


# --- putting people forward -----------------------------------------------------------


def test_put_forward_once_only(candidacy, coach, person, opportunity):
    with pytest.raises(ActionRefused, match="has already been put forward"):
        put_forward(coach, person, opportunity)
    assert Candidacy.objects.filter(person=person, opportunity=opportunity).count() == 1


def test_put_forward_only_while_open(coach, person, team, employer):
    closed = OpportunityFactory(
        employer=employer, authority=team.authority, opened_on=days_ago(60), closed_on=days_ago(1)
    )
    past = OpportunityFactory(
        employer=employer, authority=team.authority, opened_on=days_ago(60), closes_on=days_ago(1)
    )
    future = OpportunityFactory(
        employer=employer, authority=team.authority, opened_on=today() + dt.timedelta(days=3)
    )
    for opp in (closed, past, future):
        with pytest.raises(ActionRefused, match="This opportunity is not open"):
            put_forward(coach, person, opp)
    assert not Candidacy.objects.filter(person=person).exists()
    # Still open on its closing day.
    last_day = OpportunityFactory(
        employer=employer, authority=team.authority, opened_on=days_ago(60), closes_on=today()
    )
    assert put_forward(coach, person, last_day).status == "suggested"


def test_put_forward_only_for_the_persons_authority(coach, person, employer):
    elsewhere = OpportunityFactory(employer=employer, authority=another_authority())
    with pytest.raises(ActionRefused, match="offered to another authority's residents"):
        put_forward(coach, person, elsewhere)
    assert not Candidacy.objects.filter(person=person).exists()


# --- employer records -----------------------------------------------------------------


def test_employer_names_are_unique_per_provider_whatever_the_case(team, coach, manager):
    first = create_employer(coach, team.organisation, name="Tesco Extra")
    with pytest.raises(ValidationError) as clash:
        create_employer(manager, team.organisation, name="  tesco EXTRA ")
    assert clash.value.message_dict["name"] == ["tesco EXTRA is already on your employer list."]
    assert Employer.objects.filter(organisation=team.organisation).count() == 1

    # Another provider keeps its own list.
    elsewhere = TeamFactory(authority=team.authority)  # a team of another provider
    theirs = create_employer(
        staff(Role.EMPLOYMENT_SPECIALIST, elsewhere), elsewhere.organisation, name="TESCO EXTRA"
    )
    assert theirs.pk != first.pk

    # Renaming onto another employer's name is refused; changing one's own case is not.
    second = create_employer(coach, team.organisation, name="Sainsbury's")
    with pytest.raises(ValidationError, match="already on your employer list"):
        update_employer(coach, second, name="tesco extra")
    second.refresh_from_db()
    assert second.name == "Sainsbury's"
    assert update_employer(coach, first, name="TESCO EXTRA").name == "TESCO EXTRA"


def test_a_disability_confident_level_needs_its_date(team, coach):
    with pytest.raises(ValidationError) as no_date:
        create_employer(coach, team.organisation, name="Acme", disability_confident="employer")
    assert "disability_confident_on" in no_date.value.message_dict
    with pytest.raises(ValidationError) as no_level:
        create_employer(
            coach, team.organisation, name="Acme", disability_confident_on=dt.date(2025, 5, 1)
        )
    assert "disability_confident" in no_level.value.message_dict
    with pytest.raises(ValidationError) as future:
        create_employer(
            coach,
            team.organisation,
            name="Acme",
            disability_confident="employer",
            disability_confident_on=today() + dt.timedelta(days=1),
        )
    assert future.value.message_dict["disability_confident_on"] == [
        "The date cannot be in the future."
    ]
    assert not Employer.objects.filter(name="Acme").exists()

    acme = create_employer(
        coach,
        team.organisation,
        name="Acme",
        disability_confident="employer",
        disability_confident_on=dt.date(2024, 2, 29),
    )
    assert acme.disability_confident_until == dt.date(2027, 2, 28)

    plain = create_employer(coach, team.organisation, name="Plain Ltd")
    with pytest.raises(ValidationError, match="Enter the date the employer reached this level"):
        update_employer(coach, plain, disability_confident="leader")
    plain.refresh_from_db()
    assert plain.disability_confident == "" and plain.version == 1


def test_a_stale_employer_edit_is_refused(employer, coach, manager):
    update_employer(manager, employer, expected_version=1, sector="Garden centres")
    with pytest.raises(ConcurrentEdit):
        update_employer(coach, employer, expected_version=1, sector="Retail")
    employer.refresh_from_db()
    assert (employer.sector, employer.version) == ("Garden centres", 2)


# --- supported internships ------------------------------------------------------------

SEPTEMBER = dt.date(2026, 9, 7)


@pytest.fixture
def host(team):
    return EmployerFactory(organisation=team.organisation, name="Newham Hospital")


@pytest.fixture
def departments(team, host):
    return {
        title: OpportunityFactory(
            employer=host,
            authority=team.authority,
            title=title,
            kind="supported_internship",
            paid=False,
            places=places,
        )
        for title, places in [("Pharmacy", 1), ("Catering", 2), ("Porters", 1)]
    }


@pytest.fixture
def interns(team):
    return [PersonFactory(authority=team.authority) for _ in range(3)]


@pytest.fixture
def cohort(coach, team, host, interns):
    return create_cohort(
        coach,
        team,
        host,
        name="Project SEARCH at the hospital",
        programme="project_search",
        academic_year="2026-27",
        interns=interns,
    )


@pytest.mark.parametrize(
    ("last_day", "allowed"),
    [(68, False), (69, True), (83, True), (84, False)],
    ids=["9.9 weeks", "10 weeks", "12 weeks", "12.1 weeks"],
)
def test_a_rotation_lasts_10_to_12_weeks(last_day, allowed, coach, cohort, departments):
    ends_on = SEPTEMBER + dt.timedelta(days=last_day)
    if allowed:
        rotation = add_rotation(
            coach, cohort, starts_on=SEPTEMBER, ends_on=ends_on, opportunities=departments.values()
        )
        assert rotation.number == 1
        assert rotation.weeks in (10, 12)
    else:
        with pytest.raises(ValidationError) as refused:
            add_rotation(coach, cohort, starts_on=SEPTEMBER, ends_on=ends_on, opportunities=[])
        weeks = (last_day + 1) / 7
        assert refused.value.message_dict["ends_on"] == [
            f"A rotation lasts 10 to 12 weeks; this one is {weeks:.1f} weeks."
        ]
        assert not cohort.rotations.exists()


def test_rotations_follow_one_another(coach, cohort, departments):
    first = add_rotation(
        coach,
        cohort,
        starts_on=SEPTEMBER,
        ends_on=SEPTEMBER + dt.timedelta(days=76),
        opportunities=departments.values(),
    )
    with pytest.raises(ValidationError) as overlap:
        add_rotation(
            coach,
            cohort,
            starts_on=first.ends_on,
            ends_on=first.ends_on + dt.timedelta(days=76),
            opportunities=[],
        )
    assert overlap.value.message_dict["starts_on"] == [
        f"Rotation 1 runs until {first.ends_on:%d %B %Y}."
    ]
    second = add_rotation(
        coach,
        cohort,
        starts_on=first.ends_on + dt.timedelta(days=1),
        ends_on=first.ends_on + dt.timedelta(days=77),
        opportunities=[departments["Pharmacy"]],
    )
    assert [r.number for r in cohort.rotations.all()] == [1, 2]
    assert list(second.opportunities.all()) == [departments["Pharmacy"]]


def test_a_rotations_departments_are_at_the_host(coach, cohort, team, departments):
    elsewhere = OpportunityFactory(authority=team.authority, title="Bank clerk")
    with pytest.raises(ValidationError, match="Bank clerk is not at Newham Hospital"):
        add_rotation(
            coach,
            cohort,
            starts_on=SEPTEMBER,
            ends_on=SEPTEMBER + dt.timedelta(days=76),
            opportunities=[departments["Pharmacy"], elsewhere],
        )
    assert not cohort.rotations.exists()


@pytest.fixture
def rotation(coach, cohort, departments):
    return add_rotation(
        coach,
        cohort,
        starts_on=SEPTEMBER,
        ends_on=SEPTEMBER + dt.timedelta(days=76),
        opportunities=[departments["Pharmacy"], departments["Catering"]],
    )


def plan(rotation) -> set[tuple[int, str]]:
    return {
        (p.person_id, p.opportunity.title)
        for p in RotationPlacement.objects.filter(rotation=rotation).select_related("opportunity")
    }


def test_placing_interns_is_all_or_nothing(coach, rotation, interns, departments, team):
    a, b, c = interns
    pharmacy, catering = departments["Pharmacy"], departments["Catering"]
    place_interns(coach, rotation, [(a, pharmacy, 80), (b, catering, 70), (c, catering, 60)])
    first_plan = {(a.pk, "Pharmacy"), (b.pk, "Catering"), (c.pk, "Catering")}
    assert plan(rotation) == first_plan

    outsider = PersonFactory(authority=team.authority)
    for placements, reason in [
        ([(a, catering, 1), (b, pharmacy, 1), (c, pharmacy, 1)], "Pharmacy has only 1 place."),
        ([(a, catering, 1), (a, pharmacy, 1)], f"{a} is placed twice in this rotation."),
        ([(a, departments["Porters"], 1)], "Porters is not part of this rotation."),
        ([(a, catering, 1), (outsider, pharmacy, 1)], f"{outsider} is not an intern"),
    ]:
        with pytest.raises(ActionRefused) as refused:
            place_interns(coach, rotation, placements)
        assert str(refused.value).startswith(reason)
        assert plan(rotation) == first_plan  # the earlier plan is kept

    place_interns(coach, rotation, [(a, catering, None), (b, pharmacy, None)])
    assert plan(rotation) == {(a.pk, "Catering"), (b.pk, "Pharmacy")}


def test_a_department_over_its_places_names_how_many(coach, rotation, interns, departments):
    a, b, c = interns
    catering = departments["Catering"]
    with pytest.raises(ActionRefused) as refused:
        place_interns(coach, rotation, [(a, catering, 1), (b, catering, 1), (c, catering, 1)])
    assert str(refused.value) == "Catering has only 2 places."
    assert plan(rotation) == set()


# --- social-value pledges -------------------------------------------------------------

APRIL = dt.date(2025, 4, 1)
MARCH = dt.date(2026, 3, 31)


def make_pledge(actor, employer, authority, target: int):
    return add_pledge(
        actor,
        employer,
        authority=authority,
        description=f"{target} supported opportunities this municipal year",
        source="contract",
        target=target,
        starts_on=APRIL,
        ends_on=MARCH,
    )


@pytest.fixture
def openings(employer, authority):
    """Places the employer opened for the authority, in and around the period."""
    someone_else = EmployerFactory(organisation=employer.organisation)
    elsewhere = another_authority()
    for opened_on, places, by, to in [
        (APRIL - dt.timedelta(days=1), 5, employer, authority),  # the day before
        (APRIL, 2, employer, authority),  # the first day
        (dt.date(2025, 10, 1), 1, employer, authority),
        (MARCH, 1, employer, authority),  # the last day
        (MARCH + dt.timedelta(days=1), 5, employer, authority),  # the day after
        (dt.date(2025, 10, 1), 5, employer, elsewhere),  # for another authority
        (dt.date(2025, 10, 1), 5, someone_else, authority),  # another employer
    ]:
        OpportunityFactory(employer=by, authority=to, opened_on=opened_on, places=places)


@pytest.mark.parametrize(
    ("target", "on", "offered", "status"),
    [
        (4, APRIL, 2, "In progress"),
        (2, APRIL, 2, "Kept"),
        (4, dt.date(2025, 9, 30), 2, "In progress"),
        (4, dt.date(2025, 10, 1), 3, "In progress"),
        (4, MARCH - dt.timedelta(days=1), 3, "In progress"),
        (4, MARCH, 4, "Kept"),
        (4, MARCH + dt.timedelta(days=1), 4, "Kept"),
        (5, MARCH, 4, "In progress"),
        (5, MARCH + dt.timedelta(days=1), 4, "Not kept"),
    ],
)
def test_pledge_progress_counts_places_opened_in_the_period(
    target, on, offered, status, coach, employer, authority, openings
):
    pledge = make_pledge(coach, employer, authority, target)

    [progress] = [p for p in pledge_progress(coach, on=on) if p.pledge == pledge]

    assert progress.offered == offered
    assert progress.status == status
    assert progress.percent == min(100, round(100 * offered / target))


def test_a_pledge_cannot_end_before_it_starts(coach, employer, authority):
    with pytest.raises(ValidationError):
        add_pledge(
            coach,
            employer,
            authority=authority,
            description="Backwards",
            source="contract",
            target=1,
            starts_on=MARCH,
            ends_on=APRIL,
        )
    assert not employer.pledges.exists()
