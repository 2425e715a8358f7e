"""The retention and erasure pages, under /privacy/retention/ and /privacy/erasure/."""

from __future__ import annotations

from django.urls import path

from pathways.privacy import retention_views as views

urlpatterns = [
    path("retention/", views.schedule, name="retention_schedule"),
    path("retention/<int:pk>/", views.rule, name="retention_rule"),
    path("retention/due/", views.due, name="retention_due"),
    path("erasure/", views.requests, name="erasure_requests"),
    path("erasure/find/", views.find_person, name="erasure_find"),
    path("erasure/new/<int:person_pk>/", views.propose, name="erasure_propose"),
    path("erasure/<int:pk>/", views.request_page, name="erasure_request"),
    path("erasure/<int:pk>/approve/", views.approve, name="erasure_approve"),
    path("erasure/<int:pk>/refuse/", views.refuse, name="erasure_refuse"),
    path("erasure/<int:pk>/carry-out/", views.carry_out, name="erasure_carry_out"),
]
