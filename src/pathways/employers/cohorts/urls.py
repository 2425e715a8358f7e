"""Supported-internship cohorts (``employers:`` namespace); planning a rotation is at
``matching:rotation-allocate``."""

from django.urls import path

from pathways.employers.cohorts import views

urlpatterns = [
    path("cohorts/", views.cohort_list, name="cohorts"),
    path("cohorts/new/", views.cohort_new, name="cohort-new"),
    path("cohorts/<int:pk>/", views.cohort, name="cohort"),
    path("cohorts/<int:pk>/interns/", views.cohort_interns, name="cohort-interns"),
    path("cohorts/<int:pk>/rotations/new/", views.rotation_new, name="rotation-new"),
]
