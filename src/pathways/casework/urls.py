from django.urls import path

from pathways.casework import (
    appointment_views,
    document_views,
    feedback_views,
    list_views,
    plan_views,
    profile_views,
    views,
)

app_name = "casework"
urlpatterns = [
    path("people/<int:pk>/profile/", profile_views.edit_profile, name="profile"),
    path("my-people/", list_views.my_people, name="my-people"),
    path("my-people/team/", list_views.team_people, name="team-people"),
    path(
        "people/<int:pk>/documents/new/",
        document_views.upload_to_person,
        name="person-document-upload",
    ),
    path(
        "episodes/<int:pk>/documents/new/",
        document_views.upload_to_episode,
        name="episode-document-upload",
    ),
    path("documents/<int:pk>/download/", document_views.download, name="document-download"),
    path("documents/<int:pk>/delete/", document_views.delete, name="document-delete"),
    path("feedback/<int:pk>/", feedback_views.feedback_page, name="feedback"),
    path("episodes/approvals/", views.approvals, name="approvals"),
    path("case-notes/", views.search_case_notes, name="case-notes"),
    path("episodes/<int:pk>/", views.episode, name="episode"),
    path("episodes/<int:pk>/stage/", views.change_stage, name="stage"),
    path("episodes/<int:pk>/activities/", views.record_activity, name="activity"),
    path("episodes/<int:pk>/reviews/", views.record_review, name="review"),
    path("episodes/<int:pk>/close/", views.close, name="close"),
    path("episodes/<int:pk>/package/", views.propose_package, name="propose-package"),
    path("episodes/<int:pk>/package/<int:package_pk>/approve/", views.approve, name="approve"),
    path("episodes/<int:pk>/package/<int:package_pk>/reject/", views.reject, name="reject"),
    path("episodes/<int:pk>/appointments/new/", appointment_views.book, name="book-appointment"),
    path(
        "episodes/<int:pk>/appointments/<int:appointment_id>/change/",
        appointment_views.change,
        name="change-appointment",
    ),
    path(
        "episodes/<int:pk>/appointments/<int:appointment_id>/cancel/",
        appointment_views.cancel,
        name="cancel-appointment",
    ),
    path(
        "episodes/<int:pk>/appointments/<int:appointment_id>/done/",
        appointment_views.done,
        name="appointment-done",
    ),
    path(
        "appointments/<int:appointment_id>/calendar.ics",
        appointment_views.calendar_file,
        name="appointment-calendar",
    ),
    path("episodes/<int:pk>/goals/new/", plan_views.add_goal, name="add-goal"),
    path(
        "episodes/<int:pk>/goals/<int:goal_id>/status/",
        plan_views.change_goal_status,
        name="goal-status",
    ),
    path(
        "episodes/<int:pk>/goals/<int:goal_id>/agreed/",
        plan_views.record_agreement,
        name="goal-agreed",
    ),
    path("episodes/<int:pk>/goals/<int:goal_id>/steps/new/", plan_views.add_step, name="add-step"),
    path("episodes/<int:pk>/steps/<int:step_id>/done/", plan_views.step_done, name="step-done"),
    path(
        "episodes/<int:pk>/steps/<int:step_id>/not-done/",
        plan_views.step_not_done,
        name="step-not-done",
    ),
]
