"""The portal's public pages, under /ask-for-help/ (namespace ``ask``): no account."""

from django.urls import path

from pathways.portal import ask_for_help

app_name = "ask"

urlpatterns = [
    path("", ask_for_help.choose_council, name="choose"),
    path("<str:code>/", ask_for_help.ask, name="form"),
    path("<str:code>/sent/", ask_for_help.sent, name="sent"),
]
