"""The person's portal, under /my/ (namespace ``portal``)."""

from django.urls import path

from pathways.portal import feedback, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("new-link/", views.new_link, name="new-link"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("how-is-it-going/", feedback.how_is_it_going, name="feedback"),
    path("how-is-it-going/thank-you/<int:pk>/", feedback.thanks, name="feedback-thanks"),
]
