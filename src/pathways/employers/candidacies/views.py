"""Putting a person forward for an opportunity, a candidacy's page, and moving it on
(nothing goes to the employer without the person's consent: ``candidacies.services``).
A candidacy is a read of the person's record and is audited."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathways.core import audit
from pathways.core.errors import ActionRefused
from pathways.core.pages import attempt
from pathways.core.types import AuthedRequest
from pathways.employers.candidacies import forms as candidacy_forms
from pathways.employers.candidacies import selectors, services
from pathways.employers.candidacies.models import Candidacy
from pathways.employers.candidacies.policy import candidacy_policy
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.opportunities.policy import opportunity_policy
from pathways.employers.opportunities.selectors import opportunity_rows
from pathways.people.models import Person
from pathways.people.policy import person_policy
from pathways.people.selectors import person_with_record


@login_required
@require_POST
def put_forward(request: AuthedRequest) -> HttpResponse:
    form = candidacy_forms.PutForwardForm(request.POST)
    if not form.is_valid():
        raise Http404("Nothing to put forward")
    person: Person = person_policy.fetch_or_refuse(
        request.user,
        form.cleaned_data["person"],
        rows=person_with_record(),
        channel="web",
        what="put forward for an opportunity",
        request=request,
    )
    found: Opportunity = opportunity_policy.fetch_or_refuse(
        request.user, form.cleaned_data["opportunity"], rows=opportunity_rows(), channel="web"
    )
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
    found: Candidacy = candidacy_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=selectors.candidacy_page_rows(),
        channel="web",
        request=request,
    )
    return found


def _candidacy_page(
    request: AuthedRequest,
    candidacy: Candidacy,
    form: forms.Form | None = None,
    status: int = 200,
    share_form: forms.Form | None = None,
) -> HttpResponse:
    statuses = services.next_statuses(candidacy)
    may_change = candidacy_policy.can(request.user, "change", candidacy)
    may_move = bool(statuses) and may_change
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
            "may_share": may_change and services.may_share(candidacy),
            "share_form": share_form
            or candidacy_forms.ShareWithPersonForm(initial={"version": candidacy.version}),
            "consent": consent,
            "may_record_consent": consent is None
            and person_policy.can(request.user, "change", candidacy.person),
            "form": form
            or candidacy_forms.MoveCandidacyForm(
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
    candidacy_policy.require(
        request.user,
        "change",
        found,
        refusal="Only the person's worker or their team can move this on.",
        channel="web",
        request=request,
    )
    form = candidacy_forms.MoveCandidacyForm(request.POST, statuses=services.next_statuses(found))
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            form,
            lambda _data: services.move_candidacy(
                request.user,
                found,
                status=data["status"],
                on=data["on"],
                reason=data["reason"],
                expected_version=data["version"],
            ),
        )
        moved, status = outcome.result, outcome.status
        if moved is not None:
            messages.success(request, f"Candidacy moved to “{moved.get_status_display()}”.")
            return redirect("employers:candidacy", found.pk)
        found = _candidacy_or_404(request, pk)
    return _candidacy_page(request, found, form, status)


@login_required
@require_POST
def share_with_person(request: AuthedRequest, pk: int) -> HttpResponse:
    """Show the job in the person's portal, where they say yes, no or later."""
    found = _candidacy_or_404(request, pk)
    candidacy_policy.require(
        request.user,
        "change",
        found,
        refusal="Only the person's worker or their team can share this job with them.",
        channel="web",
        request=request,
    )
    form = candidacy_forms.ShareWithPersonForm(request.POST)
    outcome = attempt(
        form,
        lambda data: services.share_with_person(
            found, by=request.user, expected_version=data["version"]
        ),
    )
    if outcome.result is not None:
        messages.success(
            request,
            f"Shared with {found.person.given_name}. Their answer will show here and in "
            "your work queue.",
        )
        return redirect("employers:candidacy", found.pk)
    return _candidacy_page(
        request, _candidacy_or_404(request, pk), status=outcome.status or 400, share_form=form
    )
