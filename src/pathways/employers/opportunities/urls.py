"""Adding and closing opportunities (``employers:`` namespace)."""

from django.urls import path

from pathways.employers.opportunities import views

urlpatterns = [
    path("employers/<int:pk>/opportunities/new/", views.opportunity_new, name="opportunity-new"),
    path("opportunities/<int:pk>/close/", views.opportunity_close, name="opportunity-close"),
]
