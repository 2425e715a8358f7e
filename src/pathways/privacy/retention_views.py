"""The data protection officer's retention and erasure pages.

Thin: read through ``retention``/``erasure`` selectors, write through their services,
show a refusal where the DPO looks. Every page is for the DPO of the authority alone:
anyone else gets 403 on the lists, and 404 on one record, the same whether or not it
exists (a refused look at a person or a request is on that person's audit trail).
Pages that name people are audited reads of them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from pathways.core.audit import DENIED, record_access, record_access_bulk
from pathways.core.pages import attempt, posted
from pathways.core.policies import dpo_authority_ids
from pathways.core.types import AuthedRequest
from pathways.people.models import Person
from pathways.privacy import erasure, retention
from pathways.privacy.models import ErasureReason, ErasureRequest, ErasureStatus
from pathways.privacy.policy import ERASURE
from pathways.privacy.retention_forms import (
    ApproveForm,
    CarryOutForm,
    FindPersonForm,
    ProposeForm,
    RefuseForm,
    RuleForm,
)
from pathways.privacy.retention_policy import (
    erasure_request_policy,
    retention_rule_policy,
)

# --- the schedule --------------------------------------------------------------------


@login_required
def schedule(request: AuthedRequest) -> HttpResponse:
    ERASURE.require(request.user)
    rules = retention.schedule(request.user)
    return render(
        request,
        "privacy/retention_schedule.html",
        {
            "rules": rules,
            "meaning": retention.RECORD_TYPE_HELP,
            "several": len({r.authority_id for r in rules}) > 1,
        },
    )


@login_required
def rule(request: AuthedRequest, pk: int) -> HttpResponse:
    found = retention_rule_policy.fetch_or_refuse(
        request.user,
        pk,
        channel="web",
        request=request,
        rows=retention_rule_policy.model._default_manager.select_related("authority"),
    )
    form = RuleForm(
        posted(request),
        initial={"years": found.years, "starts_from": found.starts_from, "version": found.version},
    )
    status = 200
    if request.method == "POST":
        done = attempt(
            form,
            lambda data: retention.change_rule(
                request.user,
                found,
                years=data["years"],
                starts_from=data["starts_from"],
                version=data["version"],
            ),
        )
        if done.done:
            messages.success(request, f"Retention changed: {done.result}.")
            return redirect("privacy:retention_schedule")
        status = done.status
    return render(
        request,
        "privacy/retention_rule.html",
        {"rule": found, "form": form, "meaning": retention.RECORD_TYPE_HELP[found.record_type]},
        status=status,
    )


# --- what is due ---------------------------------------------------------------------


@login_required
def due(request: AuthedRequest) -> HttpResponse:
    ERASURE.require(request.user)
    today = timezone.localdate()
    rows = retention.due_for_user(request.user, today)
    record_access_bulk(
        request.user,
        [d.person for d in rows],
        channel="web",
        what="due for erasure",
        request=request,
    )
    return render(request, "privacy/retention_due.html", {"rows": rows, "today": today})


# --- erasure requests ----------------------------------------------------------------


@login_required
def requests(request: AuthedRequest) -> HttpResponse:
    ERASURE.require(request.user)
    found = list(erasure.requests_for(request.user))
    # Names are shown only for requests not yet carried out (erased people have none).
    record_access_bulk(
        request.user,
        [r.person for r in found if r.status != ErasureStatus.CARRIED_OUT],
        channel="web",
        what="erasure requests",
        request=request,
    )
    form = FindPersonForm(request.GET or None)
    return render(
        request, "privacy/retention_requests.html", {"requests": found, "find_form": form}
    )


@login_required
def find_person(request: AuthedRequest) -> HttpResponse:
    """The subject request path: the DPO names the person by their client reference."""
    ERASURE.require(request.user)
    authorities = dpo_authority_ids(request.user)
    form = FindPersonForm(request.GET or None)
    if form.is_valid():
        person = Person.objects.filter(
            authority_id__in=authorities, person_ref__iexact=form.cleaned_data["ref"].strip()
        ).first()
        if person is not None:
            url = reverse("privacy:erasure_propose", args=[person.pk])
            return redirect(f"{url}?reason={ErasureReason.SUBJECT_REQUEST}")
        form.add_error("ref", "No one in your authority has that client reference")
    found = list(erasure.requests_for(request.user))
    return render(
        request,
        "privacy/retention_requests.html",
        {"requests": found, "find_form": form},
        status=400,
    )


def _person_or_404(request: AuthedRequest, pk: int) -> Person:
    person = Person.objects.select_related("authority").filter(pk=pk).first()
    if person is None:
        raise Http404("No such person.")
    if person.authority_id not in dpo_authority_ids(request.user):
        record_access(
            request.user,
            person,
            channel="web",
            outcome=DENIED,
            what="erasure: propose",
            request=request,
        )
        raise Http404("No such person.")
    return person


@login_required
def propose(request: AuthedRequest, person_pk: int) -> HttpResponse:
    person = _person_or_404(request, person_pk)
    record_access(request.user, person, channel="web", what="erasure: propose", request=request)
    initial = {"reason": request.GET.get("reason", "")}
    form = ProposeForm(posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        done = attempt(
            form,
            lambda data: erasure.propose_erasure(
                request.user,
                person,
                reason=data["reason"],
                notes=data["notes"],
                override_reason=data["override_reason"],
                request=request,
            ),
        )
        if done.done and done.result is not None:
            messages.success(request, "Erasure proposed. It now needs approval.")
            return redirect("privacy:erasure_request", pk=done.result.pk)
        status = done.status
    return render(
        request,
        "privacy/retention_propose.html",
        {
            "person": person,
            "form": form,
            "blockers": erasure.blockers(person),
            "payment_evidence": erasure.payment_evidence(person),
            "due": retention.is_due(person, timezone.localdate()),
        },
        status=status,
    )


def _request_or_404(request: AuthedRequest, pk: int, doing: str) -> ErasureRequest:
    return erasure_request_policy.fetch_or_refuse(
        request.user,
        pk,
        channel="web",
        what=f"erasure request: {doing}",
        request=request,
        rows=ErasureRequest.objects.select_related(
            "person", "authority", "requested_by", "approved_by", "refused_by", "carried_out_by"
        ),
    )


def _request_page(
    request: AuthedRequest,
    found: ErasureRequest,
    *,
    approve_form: ApproveForm | None = None,
    refuse_form: RefuseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if found.status != ErasureStatus.CARRIED_OUT:
        record_access(
            request.user, found.person, channel="web", what="erasure request", request=request
        )
    proposer_may_approve = (
        found.requested_by_id != request.user.pk or erasure.dpo_count(found.authority_id) == 1
    )
    return render(
        request,
        "privacy/retention_request.html",
        {
            "erasure": found,
            "blockers": erasure.blockers(found.person) if found.is_open else [],
            "payment_evidence": erasure.payment_evidence(found.person) if found.is_open else [],
            "approve_form": approve_form or ApproveForm(prefix="approve"),
            "refuse_form": refuse_form or RefuseForm(prefix="refuse"),
            "may_approve": found.status == ErasureStatus.PROPOSED and proposer_may_approve,
        },
        status=status,
    )


@login_required
def request_page(request: AuthedRequest, pk: int) -> HttpResponse:
    return _request_page(request, _request_or_404(request, pk, "view"))


@login_required
@require_POST
def approve(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _request_or_404(request, pk, "approve")
    form = ApproveForm(request.POST, prefix="approve")
    done = attempt(
        form, lambda _data: erasure.approve_erasure(request.user, found, request=request)
    )
    if done.done:
        messages.success(request, "Erasure approved. It can now be carried out.")
        return redirect("privacy:erasure_request", pk=found.pk)
    return _request_page(request, found, approve_form=form, status=done.status)


@login_required
@require_POST
def refuse(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _request_or_404(request, pk, "refuse")
    form = RefuseForm(request.POST, prefix="refuse")
    done = attempt(
        form,
        lambda data: erasure.refuse_erasure(
            request.user, found, reason=data["reason"], request=request
        ),
    )
    if done.done:
        messages.success(request, "Erasure request refused.")
        return redirect("privacy:erasure_request", pk=found.pk)
    return _request_page(request, found, refuse_form=form, status=done.status)


@login_required
def carry_out(request: AuthedRequest, pk: int) -> HttpResponse:
    """The confirmation page before the irreversible step, and the step itself."""
    found = _request_or_404(request, pk, "carry out")
    if found.status != ErasureStatus.APPROVED:
        messages.error(request, "Only an approved request can be carried out.")
        return redirect("privacy:erasure_request", pk=found.pk)
    form = CarryOutForm(posted(request))
    status = 200
    if request.method == "POST":
        done = attempt(
            form,
            lambda data: erasure.carry_out_erasure(
                request.user, found, confirmed=data["confirm"], request=request
            ),
        )
        if done.done:
            messages.success(request, "The record has been erased.")
            return redirect("privacy:erasure_request", pk=found.pk)
        status = done.status
    record_access(
        request.user, found.person, channel="web", what="erasure: confirm", request=request
    )
    context: dict[str, Any] = {"erasure": found, "form": form}
    return render(request, "privacy/retention_carry_out.html", context, status=status)
