"""My job: the person's job in plain words: the hours and pay, who to call if
something goes wrong, and the support they get and how it will fade
(``employment.selectors.my_job``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pathways.employment.selectors import my_job
from pathways.portal.access import portal_page
from pathways.portal.models import PortalAccount, Section
from pathways.portal.pages import page

page(Section.JOB, "My job", "Hours, pay and who to call", "portal:job", "job")


@portal_page(Section.JOB)
def job(request: HttpRequest) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    return render(
        request, "portal/job/job.html", {"job": my_job(account.person), "account": account}
    )
