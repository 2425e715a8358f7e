from django.urls import path

from pathways.workspace import staff_views, views

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
    path("staff/", staff_views.staff_home, name="staff"),
    path("staff/invite/", staff_views.invite, name="staff-invite"),
    path("staff/activity/", staff_views.activity, name="staff-activity"),
    path("staff/<int:pk>/", staff_views.member, name="staff-member"),
    path("staff/<int:pk>/roles/", staff_views.add_role, name="staff-role-add"),
    path(
        "staff/<int:pk>/roles/<int:membership>/remove/",
        staff_views.remove_role,
        name="staff-role-remove",
    ),
    path("staff/<int:pk>/invitation/", staff_views.resend, name="staff-resend"),
    path("staff/<int:pk>/two-factor/reset/", staff_views.reset_two_factor, name="staff-two-factor"),
    path(
        "staff/<int:pk>/tokens/<int:token>/revoke/", staff_views.revoke, name="staff-token-revoke"
    ),
    path("staff/<int:pk>/deactivate/", staff_views.deactivate, name="staff-deactivate"),
]
