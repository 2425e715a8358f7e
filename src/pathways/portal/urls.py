"""The person's portal, under /my/ (namespace ``portal``)."""

from django.urls import path

from pathways.portal import information, jobs, my_job, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("new-link/", views.new_link, name="new-link"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("information/", information.information, name="information"),
    path("information/everything/", information.everything, name="information-everything"),
    path("information/download/", information.download, name="information-download"),
    path("jobs/", jobs.jobs, name="jobs"),
    path("jobs/<int:pk>/answer/", jobs.answer, name="job-answer"),
    path("jobs/<int:pk>/answered/", jobs.answered, name="job-answered"),
    path("job/", my_job.job, name="job"),
]
