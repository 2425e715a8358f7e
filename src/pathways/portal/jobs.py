"""Jobs for me: the jobs the person's coach shared with them, in plain words, each with
"Yes, I'm interested", "No thanks" and "Ask me later". The answer is the person's own
(a yes is their consent to send their details to that employer:
``employers.candidacies.services.answer_shared_job``), so a supporter sees the jobs
and what the person said but does not answer for them."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pathways.core.errors import ActionRefused
from pathways.employers.candidacies.models import ENDED, Candidacy, PersonAnswer
from pathways.employers.candidacies.selectors import shared_jobs
from pathways.employers.candidacies.services import answer_shared_job
from pathways.portal.access import portal_page, refuse
from pathways.portal.forms import JobAnswerForm
from pathways.portal.models import PortalAccount, Section
from pathways.portal.pages import Prompt, page, prompts

page(Section.JOBS, "Jobs for me", "Jobs your coach found for you", "portal:jobs", "jobs")


@prompts
def jobs_to_answer(account: PortalAccount) -> list[Prompt]:
    """Ask the person (not a supporter) about shared jobs they have not said yes or no to."""
    if account.is_supporter:
        return []
    waiting = (
        Candidacy.objects.filter(
            person_id=account.person_id,
            shared_with_person_on__isnull=False,
            person_answer__in=(PersonAnswer.NONE, PersonAnswer.LATER),
        )
        .exclude(status__in=ENDED)
        .exists()
    )
    if not waiting:
        return []
    return [Prompt("Your coach found a job for you. Have a look.", reverse("portal:jobs"), "jobs")]


def _shared(request: HttpRequest, pk: int) -> Candidacy:
    """A job shared with this person, or 404 (another person's, or not shared)."""
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    found = Candidacy.objects.filter(
        pk=pk, person=account.person, shared_with_person_on__isnull=False
    ).first()
    if found is None:
        raise Http404("No such job")
    return found


@portal_page(Section.JOBS)
def jobs(request: HttpRequest) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    return render(
        request,
        "portal/jobs/jobs.html",
        {"jobs": shared_jobs(account.person), "account": account},
    )


@require_POST
@portal_page(Section.JOBS)
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    candidacy = _shared(request, pk)
    if account.is_supporter:
        return refuse(request, f"Only {account.person.given_name} can answer about a job.")
    form = JobAnswerForm(request.POST)
    problem = ""
    if form.is_valid():
        try:
            answer_shared_job(candidacy, by=request.user, answer=form.cleaned_data["answer"])  # type: ignore[arg-type]
        except ValidationError:
            problem = "Press one of the three buttons."
        except (ActionRefused, PermissionDenied):
            problem = _plain_refusal(candidacy)
        else:
            return redirect("portal:job-answered", candidacy.pk)
    else:
        problem = "Press one of the three buttons."
    listed = shared_jobs(account.person)
    return render(
        request,
        "portal/jobs/jobs.html",
        {
            "jobs": listed,
            "account": account,
            "problem": problem,
            "problem_job": candidacy.pk if any(j.candidacy_id == pk for j in listed) else None,
        },
        status=400,
    )


def _plain_refusal(candidacy: Candidacy) -> str:
    """Why the answer was not kept, in the portal's words (not the staff message)."""
    candidacy.refresh_from_db()
    if candidacy.is_ended:
        return "This job is closed now. Your coach can tell you more."
    if candidacy.person_answer == PersonAnswer.YES:
        return "You said yes already. To change your mind, tell your coach."
    return "This job has moved on. Talk to your coach about it."


@portal_page(Section.JOBS)
def answered(request: HttpRequest, pk: int) -> HttpResponse:
    """What happens next, after the person answered."""
    candidacy = _shared(request, pk)
    if not candidacy.person_answer:
        return redirect("portal:jobs")
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    job = next((j for j in shared_jobs(account.person) if j.candidacy_id == pk), None)
    if job is None:
        return redirect("portal:jobs")
    return render(request, "portal/jobs/answered.html", {"job": job})
