"""The claim pages: a provider's manager prepares, saves and submits a claim for a
contract; a commissioner of the authority approves or rejects each line.

Thin: fetch the record through the policy (a 404 for what the user may not see),
call ``claims``, redirect back with a banner or show the page again with what was
wrong. Showing lines is a read of each person (``claim_selectors.claim_lines``).
Lines show the person's reference, never a name (decision 0029).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pathways.commissioning import claim_selectors, claims
from pathways.commissioning.claim_forms import DecideForm, PeriodForm, VersionForm
from pathways.commissioning.exports import (
    CLAIM_COLUMNS,
    line_rows,
    rows_csv,
    rows_workbook,
)
from pathways.commissioning.models import Claim, ClaimStatus, Contract, LineStatus
from pathways.commissioning.outcomes import claimable
from pathways.commissioning.policy import (
    claim_policy,
    contract_policy,
    not_of_claiming_organisation,
)
from pathways.core.audit import record_access_bulk
from pathways.core.money import money
from pathways.core.pages import attempt, posted
from pathways.core.types import AuthedRequest
from pathways.people.models import Person


def _contract(request: AuthedRequest, pk: int) -> Contract:
    return contract_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=Contract.objects.select_related("provider__organisation", "authority"),
        channel="web",
        request=request,
    )


def _claim(request: AuthedRequest, pk: int) -> Claim:
    return claim_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=Claim.objects.select_related(
            "contract__provider__organisation", "contract__authority", "submitted_by"
        ),
        channel="web",
        request=request,
    )


def _may_decide(request: AuthedRequest, claim: Claim) -> bool:
    return claim_policy.can(request.user, "decide", claim) and not_of_claiming_organisation(
        request.user, claim.contract
    )


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    contracts = list(claim_selectors.contracts_to_claim_on(user))
    return render(
        request,
        "commissioning/claims/home.html",
        {"contracts": contracts, "to_decide": list(claim_selectors.claims_to_decide(user))},
    )


@login_required
def contract_claims(request: AuthedRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk)
    return render(
        request,
        "commissioning/claims/contract.html",
        {
            "contract": contract,
            "claims": list(claim_selectors.claims_of(request.user, contract)),
            "may_claim": contract_policy.can(request.user, "claim", contract),
        },
    )


@login_required
def prepare(request: AuthedRequest, pk: int) -> HttpResponse:
    """GET: choose the period. POST ``preview``: the lines and total. POST ``save``:
    the draft, then its page."""
    contract = _contract(request, pk)
    if not contract_policy.can(request.user, "claim", contract):
        raise PermissionDenied("Only a team manager of the provider can claim on this contract.")
    form = PeriodForm(posted(request))
    preview = None
    status = 200
    if request.method == "POST":
        if request.POST.get("save"):
            saved = attempt(
                form,
                lambda d: claims.save_claim(
                    request.user, contract, d["period_from"], d["period_to"]
                ),
            )
            if saved.done and saved.result is not None:
                messages.success(request, "Draft claim saved. Check it, then submit it.")
                return redirect("claims:claim", saved.result.pk)
            status = saved.status
        else:
            previewed = attempt(form, lambda d: _preview(request, contract, d))
            preview = previewed.result if previewed.done else None
            status = previewed.status
    return render(
        request,
        "commissioning/claims/prepare.html",
        {"contract": contract, "form": form, "preview": preview},
        status=status,
    )


def _preview(request: AuthedRequest, contract: Contract, data: dict[str, Any]) -> dict[str, Any]:
    claims.check_period(contract, data["period_from"], data["period_to"])
    found = claimable(contract, data["period_from"], data["period_to"])
    people = Person.objects.filter(pk__in={line.outcome.person_id for line in found.lines})
    record_access_bulk(
        request.user,
        people,
        channel="web",
        what=f"claimable outcomes of {contract.contract_ref}",
        request=request,
    )
    return {"lines": found.lines, "total": money(found.total), "over_cap": found.over_cap}


def _claim_page(
    request: AuthedRequest,
    claim: Claim,
    *,
    status: int = 200,
    bound: tuple[int, DecideForm] | None = None,
) -> HttpResponse:
    lines = claim_selectors.claim_lines(request.user, claim, channel="web", request=request)
    may_decide = claim.status == ClaimStatus.SUBMITTED and _may_decide(request, claim)
    forms = {}
    if may_decide:
        for line in lines:
            if line.status == LineStatus.PENDING:
                forms[line.pk] = DecideForm(
                    prefix=f"line-{line.pk}", initial={"version": claim.version}
                )
        if bound is not None:
            forms[bound[0]] = bound[1]
    return render(
        request,
        "commissioning/claims/claim.html",
        {
            "claim": claim,
            "contract": claim.contract,
            "lines": [(line, forms.get(line.pk)) for line in lines],
            "totals": {
                k: money(v) if k != "over_cap" else v
                for k, v in claim_selectors.totals(lines).items()
            },
            "may_prepare": claim.status == ClaimStatus.DRAFT
            and claim_policy.can(request.user, "prepare", claim),
            "may_decide": may_decide,
            "form": bound[1] if bound else None,
        },
        status=status,
    )


@login_required
def claim(request: AuthedRequest, pk: int) -> HttpResponse:
    return _claim_page(request, _claim(request, pk))


@login_required
@require_POST
def submit(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _claim(request, pk)
    form = VersionForm(request.POST)
    outcome = attempt(form, lambda d: claims.submit_claim(request.user, found, d["version"]))
    if outcome.done:
        messages.success(request, "Claim submitted to the commissioner.")
    else:
        messages.error(
            request,
            " ".join(str(e) for e in form.non_field_errors()) or "The claim was not submitted.",
        )
    return redirect("claims:claim", found.pk)


@login_required
@require_POST
def delete(request: AuthedRequest, pk: int) -> HttpResponse:
    found = _claim(request, pk)
    form = VersionForm(request.POST)
    outcome = attempt(form, lambda d: claims.delete_draft(request.user, found, d["version"]))
    if outcome.done:
        messages.success(request, "Draft claim deleted.")
        return redirect("claims:contract", found.contract_id)
    messages.error(
        request, " ".join(str(e) for e in form.non_field_errors()) or "The draft was not deleted."
    )
    return redirect("claims:claim", found.pk)


@login_required
@require_POST
def decide(request: AuthedRequest, pk: int, line_pk: int) -> HttpResponse:
    found = _claim(request, pk)
    if not _may_decide(request, found):
        raise PermissionDenied(
            "Only a commissioner of the authority, outside the provider's organisation, "
            "can decide this claim."
        )
    line = found.lines.filter(pk=line_pk).first()
    if line is None:
        return _claim_page(request, found, status=404)
    form = DecideForm(request.POST, prefix=f"line-{line.pk}")
    outcome = attempt(
        form,
        lambda d: claims.decide_line(
            request.user, line, d["decision"] == "approve", d["reason"], d["version"]
        ),
    )
    if outcome.done and outcome.result is not None:
        messages.success(
            request,
            "Line approved." if outcome.result.status == LineStatus.APPROVED else "Line rejected.",
        )
        return redirect("claims:claim", found.pk)
    return _claim_page(request, _claim(request, pk), status=outcome.status, bound=(line.pk, form))


def _export_rows(request: AuthedRequest, pk: int) -> tuple[Claim, list[dict[str, Any]]]:
    found = _claim(request, pk)
    lines = claim_selectors.claim_lines(request.user, found, channel="export", request=request)
    return found, line_rows(lines)


@login_required
def export_csv(request: AuthedRequest, pk: int) -> HttpResponse:
    found, rows = _export_rows(request, pk)
    response = HttpResponse(rows_csv(rows, CLAIM_COLUMNS), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="claim-{found.pk}.csv"'
    return response


@login_required
def export_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    found, rows = _export_rows(request, pk)
    response = HttpResponse(
        rows_workbook(rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="claim-{found.pk}.xlsx"'
    return response
