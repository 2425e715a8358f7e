"""The person's portal, under /my/ (namespace ``portal``)."""

from django.urls import path

from pathways.portal import information, messages, plan, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("new-link/", views.new_link, name="new-link"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("information/", information.information, name="information"),
    path("information/everything/", information.everything, name="information-everything"),
    path("information/download/", information.download, name="information-download"),
    path("plan/", plan.my_plan, name="plan"),
    path("messages/", messages.conversation_page, name="messages"),
]
