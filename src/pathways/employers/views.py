"""Pages for employers, opportunities, candidacies, pledges and cohorts.

Thin, as everywhere: parse a form, call ``employers.services`` or a selector, redirect
with a banner, or show the form again with what was wrong. Candidacies are reads of
people's records and are audited. The pages that rank people and opportunities are in
``matching.views``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathways.core import audit, policies
from pathways.core.errors import ActionRefused, ConcurrentEdit
from pathways.core.forms import add_service_errors
from pathways.core.models import Authority, OpportunityKind, Team
from pathways.core.types import AuthedRequest
from pathways.employers import forms as employer_forms
from pathways.employers import selectors, services
from pathways.employers.candidacies.models import Candidacy
from pathways.employers.engagement.models import Employer, EmployerSite
from pathways.employers.opportunities.models import Opportunity
from pathways.people.models import Person
from pathways.people.selectors import get_person

PAGE_SIZE = 50
MATCHES_SHOWN = 25


def _attempt(form: forms.Form, perform: Callable[[], Any]) -> tuple[Any, int]:
    """Run a service for a valid form: (result, 200), or (None, status) with the
    refusal on the form (409 when someone else changed the record first)."""
    try:
        return perform(), 200
    except ConcurrentEdit as exc:
        form.add_error(None, exc.message)
        return None, 409
    except ActionRefused as exc:
        form.add_error(None, exc.message)
    except ValidationError as exc:
        add_service_errors(form, exc)
    return None, 400


# --- employers ------------------------------------------------------------------------


def _employer_or_404(request: AuthedRequest, pk: int) -> Employer:
    employer = selectors.get_employer(request.user, pk)
    if employer is None:
        raise Http404("No such employer")
    return employer


@login_required
def employer_list(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    employers = list(selectors.employer_list(request.user, query)[:PAGE_SIZE])
    return render(
        request,
        "employers/employer_list.html",
        {
            "employers": employers,
            "query": query,
            "may_add": bool(services.organisations_keeping_employers(request.user)),
        },
    )


@login_required
def employer_new(request: AuthedRequest) -> HttpResponse:
    organisations = services.organisations_keeping_employers(request.user)
    if not organisations:
        raise PermissionDenied("Only specialists and managers of a provider can add employers.")
    form = employer_forms.EmployerForm(request.POST or None, organisations=organisations)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {
                k: v for k, v in form.cleaned_data.items() if k not in ("organisation", "version")
            }
            employer, status = _attempt(
                form,
                lambda: services.create_employer(
                    request.user,
                    form.chosen_organisation(),
                    relationship_owner=request.user,
                    **data,
                ),
            )
            if employer is not None:
                messages.success(request, f"{employer.name} added to your employer list.")
                return redirect("employers:employer", employer.pk)
    return render(request, "employers/employer_new.html", {"form": form}, status=status)


@login_required
def employer_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _changeable_employer(request, pk)
    fields = ("name", "sector", "size", "website", "disability_confident")
    initial = {name: getattr(found, name) for name in fields}
    initial.update(
        disability_confident_on=found.disability_confident_on,
        notes=found.notes,
        version=found.version,
    )
    form = employer_forms.EmployerForm(request.POST or None, organisations=[], initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            saved, status = _attempt(
                form,
                lambda: services.update_employer(
                    request.user, found, expected_version=version, **data
                ),
            )
            if saved is not None:
                messages.success(request, f"{saved.name} saved.")
                return redirect("employers:employer", found.pk)
    return render(
        request,
        "employers/employer_new.html",
        {"form": form, "employer": found},
        status=status,
    )


def _employer_page(
    request: AuthedRequest, employer: Employer, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    today = timezone.localdate()
    may_change = policies.employers.can(request.user, "change", employer)
    progress = [
        p for p in selectors.pledge_progress(request.user) if p.pledge.employer_id == employer.pk
    ]
    return render(
        request,
        "employers/employer.html",
        {
            "employer": employer,
            "may_change": may_change,
            "pledges": progress,
            "opportunities": list(employer.opportunities.all()),
            "today": today,
            "engagement_form": bound.get("engagement_form")
            or employer_forms.EngagementForm(initial={"occurred_on": today}),
            "form": next(iter(bound.values()), None),
        },
        status=status,
    )


@login_required
def employer(request: AuthedRequest, pk: int) -> HttpResponse:
    return _employer_page(request, _employer_or_404(request, pk))


def _changeable_employer(request: AuthedRequest, pk: int) -> Employer:
    found = _employer_or_404(request, pk)
    if not policies.employers.can(request.user, "change", found):
        raise PermissionDenied("Only specialists and managers of the provider can change this.")
    return found


@login_required
@require_POST
def record_engagement(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _changeable_employer(request, pk)
    form = employer_forms.EngagementForm(request.POST)
    status = 400
    if form.is_valid():
        entry, status = _attempt(
            form, lambda: services.record_engagement(request.user, found, **form.cleaned_data)
        )
        if entry is not None:
            messages.success(request, f"{entry.get_kind_display()} added to the log.")
            return redirect(reverse("employers:employer", args=[found.pk]) + "#engagements")
    return _employer_page(request, found, status=status, engagement_form=form)


#: The small "add" pages of an employer: what they add, their form, and the service.
ADDITIONS: dict[str, tuple[str, str, type[forms.Form], Callable[..., Any]]] = {
    "site": ("Add a site", "A site saved.", employer_forms.SiteForm, services.add_site),
    "contact": (
        "Add a contact",
        "A contact saved.",
        employer_forms.ContactForm,
        services.add_contact,
    ),
    "pledge": (
        "Record a social-value pledge",
        "A social-value pledge saved.",
        employer_forms.PledgeForm,
        services.add_pledge,
    ),
}


@login_required
def employer_add(request: AuthedRequest, pk: int, what: str) -> HttpResponse:
    if what not in ADDITIONS:
        raise Http404("Nothing to add")
    found = _changeable_employer(request, pk)
    title, banner, form_class, service = ADDITIONS[what]
    kwargs: dict[str, Any] = {}
    if form_class is employer_forms.PledgeForm:
        kwargs["authorities"] = Authority.objects.filter(
            teams__organisation_id=found.organisation_id
        ).distinct()
    form = form_class(request.POST or None, **kwargs)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            added, status = _attempt(
                form, lambda: service(request.user, found, **form.cleaned_data)
            )
            if added is not None:
                messages.success(request, banner)
                return redirect("employers:employer", found.pk)
    return render(
        request,
        "employers/employer_add.html",
        {"employer": found, "form": form, "title": title},
        status=status,
    )


@login_required
def pledges(request: AuthedRequest) -> HttpResponse:
    if not (policies.may_see_pledges(request.user) or policies.may_see_employers(request.user)):
        raise PermissionDenied("Pledges are for commissioners, managers and providers.")
    progress = selectors.pledge_progress(request.user)
    return render(request, "employers/pledges.html", {"pledges": progress})


# --- opportunities --------------------------------------------------------------------


def _opportunity_or_404(request: AuthedRequest, pk: int) -> Opportunity:
    found = selectors.get_opportunity(request.user, pk)
    if found is None:
        raise Http404("No such opportunity")
    return found


@login_required
def opportunity_list(request: AuthedRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in OpportunityKind.values else ""
    include_closed = request.GET.get("closed") == "yes"
    query = request.GET.get("q", "").strip()[:100]
    found = list(
        selectors.opportunity_list(
            request.user, kind=kind, open_only=not include_closed, search=query
        )[:PAGE_SIZE]
    )
    return render(
        request,
        "employers/opportunity_list.html",
        {
            "opportunities": found,
            "kinds": OpportunityKind.choices,
            "kind": kind,
            "include_closed": include_closed,
            "query": query,
        },
    )


def _opportunity_form(employer: Employer, data: Any = None, **kwargs: Any):
    return employer_forms.OpportunityForm(
        data,
        authorities=Authority.objects.filter(teams__organisation_id=employer.organisation_id)
        .distinct()
        .order_by("name"),
        sites=EmployerSite.objects.filter(employer=employer),
        **kwargs,
    )


@login_required
def opportunity_new(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _changeable_employer(request, pk)
    form = _opportunity_form(found, request.POST or None, initial={"places": 1})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            tags = [t.code for t in data.pop("tags")]
            opportunity, status = _attempt(
                form,
                lambda: services.create_opportunity(request.user, found, tags=tags, **data),
            )
            if opportunity is not None:
                messages.success(request, f"{opportunity.title} added.")
                return redirect("employers:opportunity", opportunity.pk)
    return render(
        request, "employers/opportunity_new.html", {"employer": found, "form": form}, status=status
    )


@login_required
def opportunity(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _opportunity_or_404(request, pk)
    candidacies = list(selectors.candidacies_of_opportunity(request.user, found))
    audit.record_access_bulk(
        request.user,
        [c.person for c in candidacies],
        channel="web",
        what=f"candidacies for {found.opportunity_ref}",
        request=request,
    )
    return render(
        request,
        "employers/opportunity.html",
        {
            "opportunity": found,
            "candidacies": candidacies,
            "may_change": policies.opportunities.can(request.user, "change", found),
            "is_open": found.is_open(timezone.localdate()),
        },
    )


@login_required
@require_POST
def opportunity_close(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _opportunity_or_404(request, pk)
    try:
        services.close_opportunity(request.user, found)
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{found.title} is closed: it no longer appears in matches.")
    return redirect("employers:opportunity", found.pk)


# --- candidacies ----------------------------------------------------------------------


@login_required
@require_POST
def put_forward(request: AuthedRequest) -> HttpResponse:
    form = employer_forms.PutForwardForm(request.POST)
    if not form.is_valid():
        raise Http404("Nothing to put forward")
    person = get_person(request.user, form.cleaned_data["person"])
    found = selectors.get_opportunity(request.user, form.cleaned_data["opportunity"])
    if person is None or found is None:
        raise Http404("No such person or opportunity")
    back = request.POST.get("next", "")
    try:
        candidacy = services.put_forward(
            request.user, person, found, score=form.cleaned_data.get("score")
        )
    except ActionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"{person.full_name} suggested for {found.title}. Talk it through with them next.",
        )
        if not back:
            return redirect("employers:candidacy", candidacy.pk)
    if back == "person":
        return redirect("matching:person-opportunities", person.pk)
    return redirect("matching:opportunity-people", found.pk)


def _candidacy_or_404(request: AuthedRequest, pk: int) -> Candidacy:
    found = selectors.get_candidacy(request.user, pk)
    if found is None:
        existing = selectors.candidacy_for_refused_read(pk)
        audit.record_refused_read(
            request.user,
            existing.person if existing else None,
            channel="web",
            what="candidacy",
            request=request,
        )
        raise Http404("No such candidacy")
    return found


def _candidacy_page(
    request: AuthedRequest,
    candidacy: Candidacy,
    form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    statuses = services.next_statuses(candidacy)
    may_move = bool(statuses) and policies.candidacies.can(request.user, "change", candidacy)
    consent = services.employer_consent(candidacy.person, timezone.localdate())
    audit.record_access(
        request.user,
        candidacy.person,
        channel="web",
        what=f"candidacy for {candidacy.opportunity.opportunity_ref}",
        request=request,
    )
    return render(
        request,
        "employers/candidacy.html",
        {
            "candidacy": candidacy,
            "person": candidacy.person,
            "opportunity": candidacy.opportunity,
            "steps": list(candidacy.steps.all()),
            "may_move": may_move,
            "consent": consent,
            "form": form
            or employer_forms.MoveCandidacyForm(
                statuses=statuses,
                initial={"on": timezone.localdate(), "version": candidacy.version},
            ),
        },
        status=status,
    )


@login_required
def candidacy(request: AuthedRequest, pk: int) -> HttpResponse:
    return _candidacy_page(request, _candidacy_or_404(request, pk))


@login_required
@require_POST
def move_candidacy(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _candidacy_or_404(request, pk)
    if not policies.candidacies.can(request.user, "change", found):
        raise PermissionDenied("Only the person's worker or their team can move this on.")
    form = employer_forms.MoveCandidacyForm(request.POST, statuses=services.next_statuses(found))
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        moved, status = _attempt(
            form,
            lambda: services.move_candidacy(
                request.user,
                found,
                status=data["status"],
                on=data["on"],
                reason=data["reason"],
                expected_version=data["version"],
            ),
        )
        if moved is not None:
            messages.success(request, f"Candidacy moved to “{moved.get_status_display()}”.")
            return redirect("employers:candidacy", found.pk)
        found = _candidacy_or_404(request, pk)
    return _candidacy_page(request, found, form, status)


# --- supported internship cohorts -----------------------------------------------------


@login_required
def cohort_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "employers/cohort_list.html",
        {"cohorts": list(selectors.cohort_list(request.user))},
    )


def _cohort_or_404(request: AuthedRequest, pk: int):
    found = selectors.get_cohort(request.user, pk)
    if found is None:
        raise Http404("No such cohort")
    return found


@login_required
def cohort(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _cohort_or_404(request, pk)
    audit.record_access_bulk(
        request.user,
        found.visible_interns,
        channel="web",
        what=f"cohort {found}",
        request=request,
    )
    return render(
        request,
        "employers/cohort.html",
        {
            "cohort": found,
            "rotations": list(found.rotations.all()),
            "may_change": policies.cohorts.can(request.user, "change", found),
            "hidden_interns": found.intern_count - len(found.visible_interns),
        },
    )


def _cohort_teams(request: AuthedRequest):
    scope = policies.scope_of(request.user)
    teams = Team.objects.select_related("authority").order_by("name")
    if scope.is_superuser:
        return teams
    return teams.filter(
        pk__in=[
            t for t, roles in scope.roles_by_team.items() if roles & set(policies.CASEWORK_ROLES)
        ]
    )


@login_required
def cohort_new(request: AuthedRequest) -> HttpResponse:
    teams = _cohort_teams(request)
    if not teams.exists():
        raise PermissionDenied("Only specialists and managers can set up a cohort.")
    form = employer_forms.CohortForm(
        request.POST or None,
        teams=teams,
        hosts=selectors.employers_for(request.user).order_by("name"),
        initial={"programme": "project_search"},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            team, host = data.pop("team"), data.pop("host")
            created, status = _attempt(
                form, lambda: services.create_cohort(request.user, team, host, **data)
            )
            if created is not None:
                messages.success(request, f"{created} set up. Add its interns and rotations.")
                return redirect("employers:cohort", created.pk)
    return render(request, "employers/cohort_new.html", {"form": form}, status=status)


def _changeable_cohort(request: AuthedRequest, pk: int):
    found = _cohort_or_404(request, pk)
    if not policies.cohorts.can(request.user, "change", found):
        raise PermissionDenied("Only specialists and managers of the cohort's team can do this.")
    return found


@login_required
def cohort_interns(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _changeable_cohort(request, pk)
    candidates = policies.people.visible(
        request.user,
        Person.objects.filter(
            Q(episodes__team=found.team, episodes__ended_on__isnull=True) | Q(cohorts=found)
        ).distinct(),
    ).order_by("family_name", "given_name")
    form = employer_forms.InternsForm(
        request.POST or None,
        people=candidates,
        initial={"interns": [p.pk for p in found.visible_interns]},
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            hidden = set(found.interns.values_list("pk", flat=True)) - {
                p.pk for p in found.visible_interns
            }
            chosen = [*form.cleaned_data["interns"], *Person.objects.filter(pk__in=hidden)]

            def save() -> bool:
                services.set_interns(request.user, found, chosen)
                return True

            done, status = _attempt(form, save)
            if done:
                messages.success(request, f"Interns saved: {len(chosen)} in the cohort.")
                return redirect("employers:cohort", found.pk)
    return render(
        request,
        "employers/cohort_form.html",
        {"cohort": found, "form": form, "title": "Choose the interns"},
        status=status,
    )


@login_required
def rotation_new(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _changeable_cohort(request, pk)
    departments = Opportunity.objects.filter(employer=found.host).order_by("title")
    form = employer_forms.RotationForm(request.POST or None, departments=departments)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            rotation, status = _attempt(
                form, lambda: services.add_rotation(request.user, found, **form.cleaned_data)
            )
            if rotation is not None:
                messages.success(request, f"Rotation {rotation.number} added.")
                return redirect("employers:cohort", found.pk)
    return render(
        request,
        "employers/cohort_form.html",
        {"cohort": found, "form": form, "title": "Add a rotation"},
        status=status,
    )
