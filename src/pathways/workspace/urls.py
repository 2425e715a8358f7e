from django.urls import path

from pathways.workspace import views

urlpatterns = [
    path("", views.my_work, name="my-work"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/summary/", views.case_summary, name="case-summary"),
    path("people/<int:pk>/break-glass/", views.break_glass, name="break-glass"),
    path("audit/", views.audit_home, name="audit"),
    path("audit/people/<int:pk>/", views.audit_person, name="audit-person"),
    path(
        "audit/people/<int:pk>/trail.csv",
        views.audit_person_export,
        name="audit-person-export",
    ),
    path("audit/break-glass/", views.break_glass_reviews, name="audit-break-glass"),
    path(
        "audit/break-glass/<int:pk>/review/",
        views.review_break_glass,
        name="audit-break-glass-review",
    ),
]
