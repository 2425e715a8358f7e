"""The pages that span the pathway: "My work" (a staff member's day), the person page
(a person's record with their referrals, episodes and jobs) and the audit pages."""

from __future__ import annotations

from collections.abc import Callable

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from pathways.casework import documents
from pathways.casework.policy import may_work_with
from pathways.casework.selectors import (
    openable_episode_ids,
)
from pathways.commissioning.onward import sending_teams
from pathways.commissioning.selectors import purchases_of_person
from pathways.core import audit, policies
from pathways.core.pages import Paged, attempt, paged, posted
from pathways.core.types import AuthedRequest
from pathways.employers.engagement.policy import may_see_employers
from pathways.employment.selectors import placements_of_person
from pathways.people import services as people_services
from pathways.people.models import Person
from pathways.people.policy import person_policy
from pathways.people.selectors import (
    break_glass_reviewed,
    break_glass_to_review,
    consent_history,
    current_consents,
    get_person_for_audit,
    person_to_break_glass,
)
from pathways.referrals.selectors import openable_referral_ids
from pathways.workspace.exports import trail_csv
from pathways.workspace.forms import (
    BreakGlassForm,
    BreakGlassReviewForm,
    RefusalFilterForm,
    TrailFilterForm,
)
from pathways.workspace.home import home_for
from pathways.workspace.selectors import (
    actors_on,
    person_page_rows,
    refusal_rows,
    refused_reads,
    trail_rows,
)
from pathways.workspace.summary import case_summary as summarise
from pathways.workspace.summary import summary_rows


@login_required
def my_work(request: AuthedRequest) -> HttpResponse:
    """Home: the sections this user's roles come for (``workspace.home``)."""
    return render(request, "workspace/my_work.html", home_for(request.user, timezone.localdate()))


@login_required
def person(request: AuthedRequest, pk: int) -> HttpResponse:
    """A person's record with their referrals, episodes and jobs: a read, audited."""
    user = request.user
    try:
        found = person_policy.fetch_or_refuse(
            user, pk, rows=person_page_rows(), channel="web", what="person record", request=request
        )
    except Http404:
        return _break_glass_or_404(request, pk)
    audit.record_access(user, found, channel="web", request=request)
    person_documents = list(documents.documents_of_person(user, found))
    may_work = may_work_with(user, found.pk)
    return render(
        request,
        "workspace/person.html",
        {
            "documents": person_documents,
            "deletable_documents": documents.deletable(user, person_documents),
            "person": found,
            "consents": current_consents(found),
            "consent_history": consent_history(found),
            "can_refer": policies.teams_to_refer_to(user)
            .filter(authority_id=found.authority_id)
            .exists(),
            "can_change": person_policy.can(user, "change", found),
            "can_view_audit": person_policy.can(user, "view_audit", found),
            "openable_episodes": openable_episode_ids(user, found),
            "openable_referrals": openable_referral_ids(user, found),
            "may_see_opportunities": may_see_employers(user),
            "placements": list(placements_of_person(user, found.pk)),
            "may_record_job": may_work,
            "may_refer_onward": sending_teams(user, found).exists(),
            "purchases": list(purchases_of_person(user, found.pk)),
        },
    )


def _break_glass_or_404(
    request: AuthedRequest, pk: int, form: BreakGlassForm | None = None, status: int = 404
) -> HttpResponse:
    """ "No such person", with a way to open the record in an emergency when the person
    lives in an authority where the user works (elsewhere: the plain 404)."""
    if person_to_break_glass(request.user, pk) is None:
        raise Http404("No such person.")
    return render(
        request,
        "workspace/break_glass.html",
        {"form": form or BreakGlassForm(), "pk": pk, "hours": settings.PATHWAYS_BREAK_GLASS_HOURS},
        status=status,
    )


@login_required
@require_POST
def break_glass(request: AuthedRequest, pk: int) -> HttpResponse:
    """Open a person's record in an emergency, giving a reason."""
    person = person_to_break_glass(request.user, pk)
    if person is None:
        raise Http404("No such person.")
    form = BreakGlassForm(request.POST)
    result = attempt(
        form,
        lambda data: people_services.open_break_glass(
            request.user, person, reason=data["reason"], request=request
        ),
    )
    if not result.done:
        return _break_glass_or_404(request, pk, form, status=result.status)
    messages.warning(
        request,
        "You opened this record in an emergency. You can read it until "
        f"{timezone.localtime(result.result.expires_at):%H:%M}; "  # type: ignore[union-attr]
        "everything you look at is recorded for review.",
    )
    return redirect("person", pk)


@login_required
def case_summary(request: AuthedRequest, pk: int) -> HttpResponse:
    """A one-page summary of a person's case to print for a meeting: for whoever may
    see the person (a refused look is audited and answered 404); the read is audited."""
    user = request.user
    found = person_policy.fetch_or_refuse(
        user, pk, rows=summary_rows(), channel="web", what="case summary", request=request
    )
    audit.record_access(user, found, channel="web", what="case summary", request=request)
    return render(
        request,
        "workspace/case_summary.html",
        {"summary": summarise(user, found, timezone.localdate())},
    )


#: Entries on one page of an audit list.
AUDIT_PAGE_SIZE = 50


def _person_for_audit(request: AuthedRequest, pk: int, *, channel: str) -> Person:
    """The person whose trail this user may see, or a 403 that is itself on the
    person's trail (as on the command line)."""
    person = get_person_for_audit(request.user, pk)
    if person is None:
        person_policy.audit_refused(
            request.user, {"pk": pk}, channel=channel, what="audit trail", request=request
        )
        raise PermissionDenied("Only the data protection officer or an admin can see this trail.")
    return person


def _upto(request: AuthedRequest) -> int | None:
    """The newest entry a list read page by page shows (carried by its page links)."""
    value = request.GET.get("upto", "")
    return int(value) if value.isdigit() else None


def _filtered(
    request: AuthedRequest,
    form: TrailFilterForm,
    entries: QuerySet[LogEntry],
    newest: Callable[[], int],
) -> Paged | None:
    """The page of ``entries`` the filters and ``?page=`` ask for (None when the filters
    are wrong). Page links carry ``upto``, so entries added meanwhile (this page's
    own read among them) do not push rows from one page onto the next."""
    if not form.is_valid():
        return None
    upto = _upto(request) or newest()
    return paged(
        request, audit.narrow(entries, upto=upto, **form.filters()), AUDIT_PAGE_SIZE, upto=upto
    )


def _filters_query(request: AuthedRequest) -> str:
    """The page's filters without its place in the list, for the export link."""
    params = request.GET.copy()
    for name in ("page", "upto"):
        params.pop(name, None)
    return params.urlencode()


@login_required
def audit_person(request: AuthedRequest, pk: int) -> HttpResponse:
    """The data protection officer's view of who read or changed one person's record."""
    person = _person_for_audit(request, pk, channel="web")
    # Reading the trail is a read of the person's record, as on the command line, and
    # the page lists it first.
    read = audit.record_access(
        request.user, person, channel="web", what="audit trail", request=request
    )
    trail = audit.person_trail(person)
    form = TrailFilterForm(request.GET, actors=actors_on(trail))
    found = _filtered(request, form, trail, lambda: read.pk)
    return render(
        request,
        "workspace/audit_person.html",
        {
            "person": person,
            "form": form,
            "paged": found,
            "entries": trail_rows(found.page) if found else [],
            "filters_query": _filters_query(request),
        },
        status=200 if found else 400,
    )


@login_required
def audit_person_export(request: AuthedRequest, pk: int) -> HttpResponseBase:
    """A person's trail as CSV for a subject-access request: for those who may see the
    page, with the page's filters; the export is on the trail (channel "export")."""
    person = _person_for_audit(request, pk, channel="export")
    trail = audit.person_trail(person)
    form = TrailFilterForm(request.GET, actors=actors_on(trail))
    if not form.is_valid():
        return redirect(f"{reverse('audit-person', args=[pk])}?{request.GET.urlencode()}")
    audit.record_access(request.user, person, channel="export", what="audit trail", request=request)
    entries = audit.narrow(trail, **form.filters()).iterator(chunk_size=500)
    response = StreamingHttpResponse(trail_csv(entries), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="audit-trail-{slugify(person.person_ref)}-{stamp}.csv"'
    )
    return response


@login_required
def audit_home(request: AuthedRequest) -> HttpResponse:
    """Refused reads in the authorities the user looks after, and the way to emergency
    opens to review."""
    if not policies.may_view_audit(request.user):
        raise PermissionDenied(
            "Only the data protection officer or an admin can see the audit trail."
        )
    refused = refused_reads(request.user)
    form = RefusalFilterForm(request.GET, actors=actors_on(refused))
    found = _filtered(request, form, refused, audit.newest_id)
    return render(
        request,
        "workspace/audit_home.html",
        {
            "form": form,
            "paged": found,
            "entries": refusal_rows(found.page) if found else [],
            "filters_query": _filters_query(request),
            "break_glass_to_review": break_glass_to_review(request.user).count(),
            "is_dpo": bool(policies.dpo_authority_ids(request.user)),
        },
        status=200 if found else 400,
    )


def _require_dpo(request: AuthedRequest) -> None:
    if not policies.dpo_authority_ids(request.user):
        raise PermissionDenied("Only the data protection officer can review emergency opens.")


@login_required
def break_glass_reviews(request: AuthedRequest) -> HttpResponse:
    """Emergency opens for the data protection officer to review, oldest first."""
    _require_dpo(request)
    return _reviews_page(request)


def _reviews_page(
    request: AuthedRequest,
    failed: tuple[int, BreakGlassReviewForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    to_review = list(break_glass_to_review(request.user))
    reviewed = list(break_glass_reviewed(request.user))
    people = {o.person_id: o.person for o in [*to_review, *reviewed]}
    audit.record_access_bulk(
        request.user, people.values(), channel="web", what="emergency opens", request=request
    )
    rows = [
        {
            "open": o,
            "form": failed[1]
            if failed and failed[0] == o.pk
            else BreakGlassReviewForm(prefix=f"review-{o.pk}"),
        }
        for o in to_review
    ]
    return render(
        request,
        "workspace/break_glass_reviews.html",
        {"rows": rows, "reviewed": reviewed, "form": failed[1] if failed else None},
        status=status,
    )


@login_required
@require_POST
def review_break_glass(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_dpo(request)
    opened = get_object_or_404(break_glass_to_review(request.user), pk=pk)
    form = BreakGlassReviewForm(posted(request), prefix=f"review-{opened.pk}")
    result = attempt(
        form,
        lambda data: people_services.review_break_glass(request.user, opened, note=data["note"]),
    )
    if not result.done:
        return _reviews_page(request, (opened.pk, form), status=result.status)
    messages.success(request, f"Emergency open of {opened.person.person_ref} marked as reviewed.")
    return redirect("audit-break-glass")
