"""The person's portal, under /my/ (namespace ``portal``)."""

from django.urls import path

from pathways.portal import (
    appointments,
    feedback,
    help_again,
    information,
    jobs,
    messages,
    my_job,
    plan,
    views,
)

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("new-link/", views.new_link, name="new-link"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("help-again/", help_again.help_again, name="help-again"),
    path("help-again/sent/", help_again.sent, name="help-again-sent"),
    path("information/", information.information, name="information"),
    path("information/everything/", information.everything, name="information-everything"),
    path("information/download/", information.download, name="information-download"),
    path("appointments/", appointments.appointments, name="appointments"),
    path("appointments/reminders/", appointments.reminders, name="appointment-reminders"),
    path(
        "appointments/<int:pk>/calendar.ics",
        appointments.calendar_file,
        name="appointment-calendar",
    ),
    path("how-is-it-going/", feedback.how_is_it_going, name="feedback"),
    path("how-is-it-going/thank-you/<int:pk>/", feedback.thanks, name="feedback-thanks"),
    path("plan/", plan.my_plan, name="plan"),
    path("messages/", messages.conversation_page, name="messages"),
    path("jobs/", jobs.jobs, name="jobs"),
    path("jobs/<int:pk>/answer/", jobs.answer, name="job-answer"),
    path("jobs/<int:pk>/answered/", jobs.answered, name="job-answered"),
    path("job/", my_job.job, name="job"),
]
