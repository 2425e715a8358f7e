"""Onward referral pages: refer a person to another provider, the list of what the
user's teams sent, and one sent referral. Thin: ``onward`` decides, the policies scope,
every read of a person is audited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render

from pathways.commissioning.onward import (
    consent_problem,
    provider_consent,
    receiving_teams,
    refer_onward,
    sending_teams,
)
from pathways.commissioning.onward_forms import OnwardReferralForm
from pathways.commissioning.onward_selectors import may_see_onward, onward_rows, sent_onward
from pathways.commissioning.policy import onward_referral_policy
from pathways.core import audit
from pathways.core.audit import DENIED
from pathways.core.pages import attempt, posted
from pathways.core.types import AuthedRequest
from pathways.people.models import Person
from pathways.people.policy import person_policy


@login_required
def refer(request: AuthedRequest, person_pk: int) -> HttpResponse:
    """Refer a person the user works with to another provider's team."""
    user = request.user
    person: Person = person_policy.fetch_or_refuse(
        user,
        person_pk,
        rows=Person.objects.select_related("authority"),
        channel="web",
        what="onward referral form",
        request=request,
    )
    from_teams = sending_teams(user, person)
    if not from_teams.exists():
        audit.record_access(
            user,
            person,
            channel="web",
            outcome=DENIED,
            what="onward referral (does not work with them)",
            request=request,
        )
        raise PermissionDenied("Only those who work with the person can refer them onward.")
    audit.record_access(user, person, channel="web", what="onward referral form", request=request)
    to_teams = receiving_teams(person, from_teams[0]).exclude(
        organisation_id__in=from_teams.values("organisation_id")
    )
    consent = provider_consent(person)
    form = OnwardReferralForm(posted(request), from_teams=from_teams, to_teams=to_teams)
    status = 200
    if request.method == "POST":
        result = attempt(
            form,
            lambda data: refer_onward(
                user,
                person,
                from_team=data["from_team"],
                to_team=data["to_team"],
                reason=data["reason"],
            ),
        )
        if result.done and result.result is not None:
            messages.success(
                request,
                f"{person.full_name} was referred to {result.result.to_provider}: "
                f"referral {result.result.referral.referral_ref}.",
            )
            return redirect("onward:detail", result.result.pk)
        status = result.status
    return render(
        request,
        "commissioning/onward/new.html",
        {
            "person": person,
            "form": form,
            "consent": consent,
            "consent_problem": consent_problem(person, consent),
            "may_record_consent": person_policy.can(user, "change", person),
            "has_providers": to_teams.exists(),
        },
        status=status,
    )


@login_required
def sent(request: AuthedRequest) -> HttpResponse:
    """What the user's teams sent to other providers, with each referral's status."""
    if not may_see_onward(request.user):
        raise PermissionDenied("Only members of a team that works with people see what it sent.")
    rows = list(sent_onward(request.user))
    audit.record_access_bulk(
        request.user,
        {r.referral.person_id: r.referral.person for r in rows}.values(),
        channel="web",
        what="onward referrals sent",
        request=request,
    )
    return render(request, "commissioning/onward/sent.html", {"onward": rows})


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One onward referral: what was sent, and where it has got to."""
    onward = onward_referral_policy.fetch_or_refuse(
        request.user,
        pk,
        rows=onward_rows(),
        channel="web",
        what=f"onward referral {pk}",
        request=request,
    )
    audit.record_access(
        request.user,
        onward.referral.person,
        channel="web",
        what=f"onward referral {onward.referral.referral_ref}",
        request=request,
    )
    return render(request, "commissioning/onward/detail.html", {"onward": onward})
