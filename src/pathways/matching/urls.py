"""The matching pages, at the paths they had when they were part of ``employers``."""

from django.urls import path

from pathways.matching import views

app_name = "matching"
urlpatterns = [
    path("opportunities/<int:pk>/people/", views.opportunity_people, name="opportunity-people"),
    path(
        "opportunities/<int:pk>/shortlist.xlsx",
        views.opportunity_shortlist,
        name="opportunity-shortlist",
    ),
    path(
        "people/<int:person_pk>/opportunities/",
        views.person_opportunities,
        name="person-opportunities",
    ),
    path("matching/interests/", views.interests, name="interests"),
    path("matching/interests/<int:pk>/", views.interest, name="interest"),
    path("matching/interests/<int:pk>/rename/", views.interest_rename, name="interest-rename"),
    path("matching/interests/<int:pk>/merge/", views.interest_merge, name="interest-merge"),
    path("matching/interests/<int:pk>/retire/", views.interest_retire, name="interest-retire"),
    path(
        "cohorts/<int:pk>/rotations/<int:number>/allocate/",
        views.rotation_allocate,
        name="rotation-allocate",
    ),
]
