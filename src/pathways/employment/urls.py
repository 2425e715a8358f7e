from django.urls import path

from pathways.employment import views

app_name = "employment"
urlpatterns = [
    path("people/<int:person_pk>/jobs/new/", views.job_start, name="job-start"),
    path("jobs/<int:pk>/", views.placement, name="placement"),
    path("jobs/<int:pk>/fading.svg", views.fading_chart, name="fading-chart"),
    path("jobs/<int:pk>/fading/", views.set_fading_plan, name="fading"),
    path("jobs/<int:pk>/access-to-work/", views.record_access_to_work, name="access-to-work"),
    path("jobs/<int:pk>/terms/", views.change_terms, name="terms"),
    path("jobs/<int:pk>/end/", views.end_job, name="end"),
    path("jobs/<int:pk>/checks/<int:check_pk>/", views.complete_check, name="check"),
    path(
        "jobs/<int:pk>/milestones/<int:milestone_pk>/",
        views.confirm_milestone,
        name="milestone",
    ),
]
