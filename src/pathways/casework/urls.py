from django.urls import path

from pathways.casework import plan_views, views

app_name = "casework"
urlpatterns = [
    path("approvals/", views.approvals, name="approvals"),
    path("<int:pk>/", views.episode, name="episode"),
    path("<int:pk>/stage/", views.change_stage, name="stage"),
    path("<int:pk>/activities/", views.record_activity, name="activity"),
    path("<int:pk>/reviews/", views.record_review, name="review"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/package/", views.propose_package, name="propose-package"),
    path("<int:pk>/package/<int:package_pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/package/<int:package_pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/goals/new/", plan_views.add_goal, name="add-goal"),
    path(
        "<int:pk>/goals/<int:goal_id>/status/",
        plan_views.change_goal_status,
        name="goal-status",
    ),
    path(
        "<int:pk>/goals/<int:goal_id>/agreed/",
        plan_views.record_agreement,
        name="goal-agreed",
    ),
    path("<int:pk>/goals/<int:goal_id>/steps/new/", plan_views.add_step, name="add-step"),
    path("<int:pk>/steps/<int:step_id>/done/", plan_views.step_done, name="step-done"),
    path("<int:pk>/steps/<int:step_id>/not-done/", plan_views.step_not_done, name="step-not-done"),
]
