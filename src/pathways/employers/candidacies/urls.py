"""Putting forward and moving candidacies on (``employers:`` namespace)."""

from django.urls import path

from pathways.employers.candidacies import views

urlpatterns = [
    path("candidacies/", views.put_forward, name="put-forward"),
    path("candidacies/<int:pk>/", views.candidacy, name="candidacy"),
    path("candidacies/<int:pk>/move/", views.move_candidacy, name="candidacy-move"),
    path("candidacies/<int:pk>/share/", views.share_with_person, name="candidacy-share"),
]
