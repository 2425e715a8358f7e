"""The employer and opportunity lists and pages (``employers:`` namespace)."""

from django.urls import path

from pathways.employers.overview import views

urlpatterns = [
    path("employers/", views.employer_list, name="employers"),
    path("employers/<int:pk>/", views.employer, name="employer"),
    path("employers/<int:pk>/engagements/", views.record_engagement, name="engagement"),
    path("employers/<int:pk>/<str:what>/new/", views.employer_add, name="employer-add"),
    path("opportunities/", views.opportunity_list, name="opportunities"),
    path("opportunities/<int:pk>/", views.opportunity, name="opportunity"),
]
