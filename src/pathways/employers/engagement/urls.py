"""Adding an employer and changing its details (``employers:`` namespace)."""

from django.urls import path

from pathways.employers.engagement import views

urlpatterns = [
    path("employers/new/", views.employer_new, name="employer-new"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer-edit"),
]
