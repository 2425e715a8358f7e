"""The project's URLs plus one page behind ``portal_page("messages")`` and one behind
``portal_page("plan")``, so the access rules are tested through the real decorator
whatever section pages are installed."""

from django.http import HttpResponse
from django.urls import path

from pathways.portal.access import portal_page
from pathways.urls import urlpatterns as project


@portal_page("messages")
def messages_page(request):
    return HttpResponse(f"Messages of {request.portal.person.person_ref}")


@portal_page("plan")
def plan_page(request):
    return HttpResponse(f"Plan of {request.portal.person.person_ref}")


urlpatterns = [
    path("my/test-messages/", messages_page),
    path("my/test-plan/", plan_page),
    *project,
]
