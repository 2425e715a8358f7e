"""The pledges page (``employers:`` namespace)."""

from django.urls import path

from pathways.employers.pledges import views

urlpatterns = [
    path("employers/pledges/", views.pledges, name="pledges"),
]
