"""Pages that rank people and opportunities against each other: the people for an
opportunity (and its shortlist as a workbook), the opportunities for a person, and the
plan of a supported-internship rotation.

They live here, above ``employers``, because they call ``matching.selectors``; putting
someone forward and saving a plan are still ``employers`` services. Match lists are
reads of people's records and are audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathways.casework.policy import works_with_person
from pathways.core import audit, policies
from pathways.core.errors import ActionRefused
from pathways.core.models import InterestTag
from pathways.core.pages import act, attempt
from pathways.core.types import AuthedRequest
from pathways.employers.candidacies import selectors as candidacy_selectors
from pathways.employers.candidacies.models import Candidacy
from pathways.employers.cohorts import services as cohort_services
from pathways.employers.cohorts.models import Rotation
from pathways.employers.cohorts.pages import cohort_or_404
from pathways.employers.cohorts.policy import cohort_policy
from pathways.employers.opportunities import selectors as opportunity_selectors
from pathways.employers.opportunities.models import Opportunity, open_on
from pathways.employers.opportunities.pages import opportunity_or_404
from pathways.matching import selectors as matching
from pathways.matching import services as vocabulary
from pathways.matching.exports import shortlist_workbook
from pathways.matching.forms import InterestForm, MergeForm
from pathways.matching.policy import may_manage_interests
from pathways.people.models import Person
from pathways.people.policy import person_policy
from pathways.people.selectors import person_with_record

MATCHES_SHOWN = 25


def _visible_people(request: AuthedRequest) -> QuerySet[Person]:
    return person_policy.visible(request.user, Person.objects.all())


def _ranked_people(
    request: AuthedRequest, found: Opportunity, top: int | None
) -> tuple[list[matching.Match], dict[int, Candidacy], dict[int, Person]]:
    matches = matching.people_for(found, _visible_people(request), top=top)
    people = Person.objects.in_bulk([m.person_id for m in matches])
    audit.record_access_bulk(
        request.user,
        [people[m.person_id] for m in matches],
        channel="web",
        what=f"match results for {found.opportunity_ref}",
        request=request,
    )
    statuses = {
        c.person_id: c
        for c in Candidacy.objects.filter(
            opportunity=found, person_id__in=[m.person_id for m in matches]
        )
    }
    return matches, statuses, people


@login_required
def opportunity_people(request: AuthedRequest, pk: int) -> HttpResponse:
    found = opportunity_or_404(request, pk)
    show_all = request.GET.get("all") == "yes"
    matches, candidacies, people = _ranked_people(
        request, found, None if show_all else MATCHES_SHOWN
    )
    may_put_forward = found.is_open(timezone.localdate()) and bool(
        policies.scope_of(request.user).organisations_for(*policies.CASEWORK_ROLES)
        or request.user.is_superuser
    )
    rows = [(m, candidacies.get(m.person_id), people[m.person_id]) for m in matches]
    return render(
        request,
        "matching/opportunity_people.html",
        {
            "opportunity": found,
            "rows": rows,
            "show_all": show_all,
            "shown": MATCHES_SHOWN,
            "may_put_forward": may_put_forward,
        },
    )


@login_required
def opportunity_shortlist(request: AuthedRequest, pk: int) -> HttpResponse:
    found = opportunity_or_404(request, pk)
    matches, candidacies, _people = _ranked_people(request, found, None)
    body = shortlist_workbook(
        found,
        matches,
        {pid: c.status for pid, c in candidacies.items()},
    )
    response = HttpResponse(
        body,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="shortlist-{found.opportunity_ref}.xlsx"'
    )
    return response


@login_required
def person_opportunities(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = person_policy.fetch_or_refuse(
        request.user,
        person_pk,
        rows=person_with_record(),
        channel="web",
        what="opportunities for the person",
        request=request,
    )
    audit.record_access(
        request.user, person, channel="web", what="opportunities for the person", request=request
    )
    opportunities = opportunity_selectors.opportunities_for(request.user).filter(
        open_on(timezone.localdate()), authority_id=person.authority_id
    )
    matches = matching.opportunities_for(person, opportunities, top=MATCHES_SHOWN)
    candidacies = {
        c.opportunity_id: c for c in candidacy_selectors.candidacies_of_person(request.user, person)
    }
    may_put_forward = works_with_person(policies.scope_of(request.user), request.user, person.pk)
    return render(
        request,
        "matching/person_opportunities.html",
        {
            "person": person,
            "rows": [(m, candidacies.get(m.opportunity_id)) for m in matches],
            "candidacies": list(candidacies.values()),
            "may_put_forward": may_put_forward,
            "has_profile": hasattr(person, "vocational_profile"),
        },
    )


# --- supported internship rotations ---------------------------------------------------


def _rotation_or_404(request: AuthedRequest, pk: int, number: int) -> tuple[Any, Rotation]:
    found = cohort_or_404(request, pk)
    rotation = next((r for r in found.rotations.all() if r.number == number), None)
    if rotation is None:
        raise Http404("No such rotation")
    if not cohort_policy.can(request.user, "change", found):
        raise PermissionDenied("Only specialists and managers of the cohort's team can do this.")
    return found, rotation


def _proposal(found: Any, rotation: Rotation) -> matching.Allocation:
    """The best allocation of the cohort's interns to the rotation's departments,
    leaving out a department an intern has already been in."""
    earlier = [
        (p.person_id, p.opportunity_id)
        for r in found.rotations.all()
        if r.number < rotation.number
        for p in r.placements.all()
    ]
    return matching.allocate(
        Person.objects.filter(pk__in=[p.pk for p in found.visible_interns]),
        Opportunity.objects.filter(pk__in=[o.pk for o in rotation.opportunities.all()]),
        excluded=earlier,
    )


@login_required
def rotation_allocate(request: AuthedRequest, pk: int, number: int) -> HttpResponse:
    found, rotation = _rotation_or_404(request, pk, number)
    allocation = _proposal(found, rotation)
    audit.record_access_bulk(
        request.user, found.visible_interns, channel="web", what=f"cohort {found}", request=request
    )
    if request.method == "POST":
        people = {p.pk: p for p in found.visible_interns}
        departments = {o.pk: o for o in rotation.opportunities.all()}
        try:
            cohort_services.place_interns(
                request.user,
                rotation,
                [
                    (people[m.person_id], departments[m.opportunity_id], m.score)
                    for m in allocation.assignments
                ],
            )
        except ActionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                f"Rotation {rotation.number} planned: {len(allocation.assignments)} interns "
                "placed.",
            )
            return redirect("employers:cohort", found.pk)
    return render(
        request,
        "matching/rotation_allocate.html",
        {
            "cohort": found,
            "rotation": rotation,
            "allocation": allocation,
            "unplaced": [p for p in found.visible_interns if p.person_ref in allocation.unplaced],
            "hidden_interns": found.intern_count - len(found.visible_interns),
        },
    )


# --- The interest vocabulary (administrators) ---------------------------------------------


def _require_vocabulary_admin(request: AuthedRequest) -> None:
    if not may_manage_interests(request.user):
        raise PermissionDenied(vocabulary.REFUSAL)


def _interests_page(
    request: AuthedRequest, form: InterestForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "matching/interests.html",
        {"tags": list(matching.vocabulary_with_uses()), "form": form or InterestForm()},
        status=status,
    )


@login_required
def interests(request: AuthedRequest) -> HttpResponse:
    """The interest vocabulary with how much each interest is used, and a form to add
    one."""
    _require_vocabulary_admin(request)
    if request.method != "POST":
        return _interests_page(request)
    form = InterestForm(request.POST)
    result = attempt(form, lambda data: vocabulary.add_interest(request.user, label=data["label"]))
    if not result.done:
        return _interests_page(request, form, result.status)
    messages.success(request, f"“{result.result}” added to the list of interests.")
    return redirect("matching:interests")


def _tag_or_404(pk: int) -> InterestTag:
    tag = matching.vocabulary_with_uses().filter(pk=pk).first()
    if tag is None:
        raise Http404("No such interest.")
    return tag


def _interest_page(
    request: AuthedRequest,
    tag: InterestTag,
    *,
    rename: InterestForm | None = None,
    merge: MergeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "matching/interest.html",
        {
            "tag": tag,
            "rename": rename or InterestForm(initial={"label": tag.label}, prefix="rename"),
            "merge": merge or MergeForm(tag=tag, prefix="merge"),
            # The form sent back with errors, for the error summary and the title.
            "form": rename if rename is not None and rename.errors else merge,
        },
        status=status,
    )


@login_required
def interest(request: AuthedRequest, pk: int) -> HttpResponse:
    """One interest: rename it, merge it into another, or retire it."""
    _require_vocabulary_admin(request)
    return _interest_page(request, _tag_or_404(pk))


@login_required
@require_POST
def interest_rename(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_vocabulary_admin(request)
    tag = _tag_or_404(pk)
    form = InterestForm(request.POST, prefix="rename")
    result = attempt(
        form, lambda data: vocabulary.rename_interest(request.user, tag, label=data["label"])
    )
    if not result.done:
        return _interest_page(request, tag, rename=form, status=result.status)
    messages.success(request, f"Interest renamed “{result.result}”.")
    return redirect("matching:interests")


@login_required
@require_POST
def interest_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_vocabulary_admin(request)
    tag = _tag_or_404(pk)
    form = MergeForm(request.POST, tag=tag, prefix="merge")
    result = attempt(
        form, lambda data: vocabulary.merge_interests(request.user, tag, into=data["into"])
    )
    if not result.done or result.result is None:
        return _interest_page(request, tag, merge=form, status=result.status)
    done = result.result
    messages.success(
        request,
        f"“{tag.label}” merged into “{done['into'].label}”: {done['profiles']} "
        f"profile{'s' if done['profiles'] != 1 else ''} and {done['opportunities']} "
        f"opportunit{'ies' if done['opportunities'] != 1 else 'y'} moved.",
    )
    return redirect("matching:interests")


@login_required
@require_POST
def interest_retire(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_vocabulary_admin(request)
    tag = _tag_or_404(pk)
    if not act(
        request,
        lambda: vocabulary.retire_interest(request.user, tag),
        done=f"“{tag.label}” retired from the list of interests.",
    ):
        return redirect("matching:interest", tag.pk)
    return redirect("matching:interests")
