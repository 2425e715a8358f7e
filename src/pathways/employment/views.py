"""Pages for work itself: recording a job start, and the placement page with the
in-work support that follows (the six post-start checks, milestones, the fading plan
and its chart, Access to Work, changes of hours or pay, and the job's end).

Thin, as everywhere: parse a form, call ``employment.services``, go back to the
placement page with a banner, or show the page again with the form's errors (400) or
the service's refusal (409 when someone else changed the job first). Every view of a
placement is a read of the person's record and is audited; a placement outside the
user's scope answers 404, and the refused read is audited too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathways.casework.policy import may_work_with
from pathways.core import audit
from pathways.core.charts import svg_response
from pathways.core.pages import attempt
from pathways.core.types import AuthedRequest
from pathways.core.unusual import confirmed_in
from pathways.employers.candidacies import selectors as employer_selectors
from pathways.employers.candidacies.models import Candidacy
from pathways.employers.candidacies.policy import candidacy_policy
from pathways.employers.engagement.models import Employer
from pathways.employers.engagement.policy import employer_policy
from pathways.employers.engagement.services import organisations_keeping_employers
from pathways.employment import charts, selectors, services
from pathways.employment import forms as employment_forms
from pathways.employment.models import MILESTONE_WEEKS, Milestone, Placement, PostStartCheck
from pathways.employment.policy import placement_policy
from pathways.people.models import Person
from pathways.people.policy import person_policy

WHAT = "placement"
CHANGE_REFUSAL = "Only the person's worker or their team can change this job."


def _set_version(form: forms.Form, version: int | None) -> None:
    """After a conflict, the form shows what the user typed with the record's current
    version, so that sending it again (having checked) goes through."""
    assert isinstance(form.data, QueryDict)
    data = form.data.copy()
    data[form.add_prefix("version")] = "" if version is None else str(version)
    form.data = data


# --- a job start ----------------------------------------------------------------------


def _person_to_record_for(request: AuthedRequest, pk: int) -> Person:
    person = person_policy.fetch_or_refuse(
        request.user, pk, channel="web", what="job start", request=request
    )
    if not may_work_with(request.user, person.pk):
        audit.record_access(
            request.user,
            person,
            channel="web",
            outcome=audit.DENIED,
            what="job start (may read, not record work)",
            request=request,
        )
        raise PermissionDenied("Only the person's worker or their team can record their work.")
    return person


def _candidacy_of(request: AuthedRequest, person: Person) -> Candidacy | None:
    """The accepted offer the job start comes from (``?candidacy=``), if any."""
    raw = request.GET.get("candidacy", "")
    if not raw:
        return None
    found: Candidacy = candidacy_policy.fetch_or_refuse(
        request.user,
        int(raw) if raw.isdigit() and len(raw) <= 12 else None,
        rows=employer_selectors.candidacy_page_rows(),
        channel="web",
        what="job start",
        request=request,
    )
    if found.person_id != person.pk:
        raise Http404("No such candidacy.")
    return found


@login_required
def job_start(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = _person_to_record_for(request, person_pk)
    candidacy = _candidacy_of(request, person)
    where = Q(organisation__in=organisations_keeping_employers(request.user))
    initial: dict[str, Any] = {"supported": "yes"}
    if candidacy is not None:
        opportunity = candidacy.opportunity
        where |= Q(pk=opportunity.employer_id)
        initial.update(
            employer=opportunity.employer_id,
            job_title=opportunity.title,
            kind=opportunity.kind,
            paid="yes" if opportunity.paid else "no",
            hours_per_week=opportunity.hours_per_week,
            hourly_pay=opportunity.hourly_pay,
        )
    form = employment_forms.JobStartForm(
        request.POST if request.method == "POST" else None,
        employers=Employer.objects.filter(where).order_by("name"),
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        outcome = attempt(
            form,
            lambda data: services.record_job_start(
                request.user,
                person,
                start_date=data["start_date"],
                employer=data["employer"],
                job_title=data["job_title"],
                kind=data["kind"],
                paid=data["paid"],
                hours_per_week=data["hours_per_week"],
                hourly_pay=data["hourly_pay"],
                supported=data["supported"],
                candidacy=candidacy,
                confirmed=confirmed_in(data),
            ),
        )
        placement = outcome.result
        if placement is not None:
            messages.success(
                request,
                f"Job start recorded: {placement.job_title} at {placement.employer_name} "
                f"from {placement.start_date:%-d %B %Y}. The six post-start checks are "
                "listed below.",
            )
            return redirect("employment:placement", placement.pk)
        status = outcome.status
    # The form shows who the job is for: a read, whether first shown or sent back.
    audit.record_access(request.user, person, channel="web", what="job start", request=request)
    return render(
        request,
        "employment/job_start.html",
        {"person": person, "candidacy": candidacy, "form": form},
        status=status,
    )


# --- the placement page ---------------------------------------------------------------


def _placement_or_404(request: AuthedRequest, pk: int) -> Placement:
    return placement_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=selectors.placement_page_rows(),
        channel="web",
        what=WHAT,
        request=request,
    )


def _changeable(request: AuthedRequest, pk: int) -> Placement:
    """The placement, if the user may change it: 404 when they may not see it, 403 when
    they may see it but not change it."""
    found = _placement_or_404(request, pk)
    placement_policy.require(
        request.user,
        "change",
        found,
        refusal=CHANGE_REFUSAL,
        channel="web",
        what=WHAT,
        request=request,
    )
    return found


def _check_prefix(check: PostStartCheck) -> str:
    return f"check-{check.pk}"


def _milestone_prefix(milestone: Milestone) -> str:
    return f"milestone-{milestone.pk}"


def _fading_form(placement: Placement, data: Any = None) -> employment_forms.FadingPlanForm:
    steps = list(placement.fading_steps.all())
    rows = (
        employment_forms.fading_rows_posted(data)
        if data is not None
        else max(employment_forms.FADING_ROWS, len(steps) + 1)
    )
    return employment_forms.FadingPlanForm(
        data,
        prefix="fading",
        rows=rows,
        initial=employment_forms.FadingPlanForm.initial_for(steps, placement.version),
    )


def _access_to_work_form(
    placement: Placement, data: Any = None
) -> employment_forms.AccessToWorkForm:
    record = getattr(placement, "access_to_work", None)
    initial: dict[str, Any] = {"version": 0}
    if record is not None:
        initial = {
            "version": record.version,
            "status": record.status,
            "funds": record.funds,
            "applied_on": record.applied_on,
            "decided_on": record.decided_on,
            "award_ends_on": record.award_ends_on,
        }
    return employment_forms.AccessToWorkForm(data, prefix="atw", initial=initial)


def _terms_form(placement: Placement, data: Any = None) -> employment_forms.TermsForm:
    return employment_forms.TermsForm(
        data,
        prefix="terms",
        initial={
            "version": placement.version,
            "effective_from": timezone.localdate(),
            "hours_per_week": placement.hours_per_week,
            "hourly_pay": placement.hourly_pay,
        },
    )


def _end_form(placement: Placement, data: Any = None) -> employment_forms.EndForm:
    return employment_forms.EndForm(data, prefix="end", initial={"version": placement.version})


def _placement_page(
    request: AuthedRequest, placement: Placement, *, status: int = 200, **bound: forms.Form
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    may_change = placement_policy.can(user, "change", placement)
    checks = list(placement.checks.all())
    milestones = list(placement.milestones.all())
    weeks = selectors.fading_of(placement, today)

    def check_form(check: PostStartCheck) -> forms.Form | None:
        if not may_change or check.done_on is not None:
            return None
        return bound.get(_check_prefix(check)) or employment_forms.CheckForm(
            prefix=_check_prefix(check), initial={"done_on": today}
        )

    def milestone_form(milestone: Milestone) -> forms.Form | None:
        if not may_change or milestone.confirmed_on is not None:
            return None
        return bound.get(_milestone_prefix(milestone)) or employment_forms.MilestoneForm(
            prefix=_milestone_prefix(milestone),
            initial={"confirmed_on": max(today, milestone.reached_on)},
        )

    audit.record_access(user, placement.person, channel="web", what=WHAT, request=request)
    return render(
        request,
        "employment/placement.html",
        {
            "placement": placement,
            "person": placement.person,
            "today": today,
            "may_change": may_change,
            # Another provider's employer (a job found before support, say) is named,
            # not linked: its page is for that provider's staff.
            "employer_opens": placement.employer is not None
            and employer_policy.can(user, "view", placement.employer),
            "terms": list(placement.terms.all()),
            "checks": [(c, check_form(c)) for c in checks],
            "checks_done": sum(1 for c in checks if c.done_on is not None),
            "milestones": [(m, milestone_form(m)) for m in milestones],
            "first_milestone_on": placement.start_date + dt.timedelta(days=7 * MILESTONE_WEEKS[0]),
            "steps": list(placement.fading_steps.all()),
            "weeks": weeks,
            "stalled": selectors.stalled(weeks),
            "access_to_work": getattr(placement, "access_to_work", None),
            "fading_form": bound.get("fading") or _fading_form(placement),
            "atw_form": bound.get("atw") or _access_to_work_form(placement),
            "terms_form": bound.get("terms") or _terms_form(placement),
            "end_form": bound.get("end") or _end_form(placement),
            # The form sent back with errors, for the error summary and the title.
            "form": next(iter(bound.values()), None),
        },
        status=status,
    )


@login_required
def placement(request: AuthedRequest, pk: int) -> HttpResponse:
    return _placement_page(request, _placement_or_404(request, pk))


def _act(
    request: AuthedRequest,
    placement: Placement,
    *,
    name: str,
    form: forms.Form,
    perform: Callable[[dict[str, Any]], str],
    anchor: str,
    version_of: Callable[[Placement], int | None] | None = None,
) -> HttpResponse:
    """Handle one of the placement page's forms: back to the page (at ``anchor``) with
    the banner ``perform`` returns, or the page again with what was wrong."""
    outcome = attempt(form, perform)
    if outcome.done:
        messages.success(request, str(outcome.result))
        return redirect(reverse("employment:placement", args=[placement.pk]) + anchor)
    if outcome.conflict and version_of is not None:
        placement = _placement_or_404(request, placement.pk)
        _set_version(form, version_of(placement))
    status = outcome.status
    return _placement_page(request, placement, status=status, **{name: form})


@login_required
@require_POST
def complete_check(request: AuthedRequest, pk: int, check_pk: int) -> HttpResponse:
    found = _changeable(request, pk)
    check = next((c for c in found.checks.all() if c.pk == check_pk), None)
    if check is None:
        raise Http404("No such check")
    form = employment_forms.CheckForm(request.POST, prefix=_check_prefix(check))

    def perform(data: dict[str, Any]) -> str:
        services.complete_check(request.user, check, done_on=data["done_on"], notes=data["notes"])
        return f"Post-start check done: {check.get_kind_display()}."

    return _act(
        request, found, name=_check_prefix(check), form=form, perform=perform, anchor="#checks"
    )


@login_required
@require_POST
def confirm_milestone(request: AuthedRequest, pk: int, milestone_pk: int) -> HttpResponse:
    found = _changeable(request, pk)
    milestone = next((m for m in found.milestones.all() if m.pk == milestone_pk), None)
    if milestone is None:
        raise Http404("No such milestone")
    form = employment_forms.MilestoneForm(request.POST, prefix=_milestone_prefix(milestone))

    def perform(data: dict[str, Any]) -> str:
        services.confirm_milestone(
            request.user,
            milestone,
            evidence=data["evidence"],
            confirmed_on=data["confirmed_on"],
            notes=data["notes"],
        )
        return f"{milestone.weeks} weeks in work confirmed."

    return _act(
        request,
        found,
        name=_milestone_prefix(milestone),
        form=form,
        perform=perform,
        anchor="#milestones",
    )


@login_required
@require_POST
def set_fading_plan(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _changeable(request, pk)

    def perform(data: dict[str, Any]) -> str:
        steps = services.set_fading_plan(
            request.user, found, data["steps"], expected_version=data["version"]
        )
        return f"Fading plan saved: {len(steps)} step{'s' if len(steps) != 1 else ''}."

    return _act(
        request,
        found,
        name="fading",
        form=_fading_form(found, request.POST),
        perform=perform,
        anchor="#fading",
        version_of=lambda p: p.version,
    )


@login_required
@require_POST
def record_access_to_work(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _changeable(request, pk)

    def perform(data: dict[str, Any]) -> str:
        record = services.record_access_to_work(
            request.user,
            found,
            status=data["status"],
            funds=data["funds"],
            applied_on=data["applied_on"],
            decided_on=data["decided_on"],
            award_ends_on=data["award_ends_on"],
            expected_version=data["version"],
        )
        return f"Access to Work saved: {record.get_status_display().lower()}."

    def version_of(placement: Placement) -> int:
        record = getattr(placement, "access_to_work", None)
        return record.version if record is not None else 0

    return _act(
        request,
        found,
        name="atw",
        form=_access_to_work_form(found, request.POST),
        perform=perform,
        anchor="#access-to-work",
        version_of=version_of,
    )


@login_required
@require_POST
def change_terms(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _changeable(request, pk)

    def perform(data: dict[str, Any]) -> str:
        terms = services.change_terms(
            request.user,
            found,
            effective_from=data["effective_from"],
            hours_per_week=data["hours_per_week"],
            hourly_pay=data["hourly_pay"],
            expected_version=data["version"],
            confirmed=confirmed_in(data),
        )
        return f"Hours and pay saved: {terms}."

    return _act(
        request,
        found,
        name="terms",
        form=_terms_form(found, request.POST),
        perform=perform,
        anchor="#terms",
        version_of=lambda p: p.version,
    )


@login_required
@require_POST
def end_job(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _changeable(request, pk)

    def perform(data: dict[str, Any]) -> str:
        ended = services.end_placement(
            request.user,
            found,
            end_date=data["end_date"],
            reason=data["end_reason"],
            expected_version=data["version"],
        )
        return f"Job end recorded: the last day was {ended.end_date:%-d %B %Y}."

    return _act(
        request,
        found,
        name="end",
        form=_end_form(found, request.POST),
        perform=perform,
        anchor="",
        version_of=lambda p: p.version,
    )


@login_required
def fading_chart(request: AuthedRequest, pk: int) -> HttpResponse:
    """The chart as its own small SVG document (``core.charts``)."""
    found = _placement_or_404(request, pk)
    audit.record_access(
        request.user, found.person, channel="web", what=f"{WHAT}: fading chart", request=request
    )
    weeks = selectors.fading_of(found, timezone.localdate())
    return svg_response(
        charts.fading_chart(weeks, title="Job-coach hours a week: planned and given")
    )
