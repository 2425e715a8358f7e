from django.urls import path

from pathways.referrals import help_views, views

app_name = "referrals"
urlpatterns = [
    path("new/", views.new_referral, name="new"),
    path("triage/", views.triage, name="triage"),
    path("waiting/", views.waiting, name="waiting"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/decline/", views.decline, name="decline"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/redirect/", views.redirect_onward, name="redirect"),
    path("<int:pk>/urgent/", views.mark_urgent, name="urgent"),
    path("<int:pk>/allocate/", views.allocate, name="allocate"),
    path("help-requests/", help_views.help_request_list, name="help-requests"),
    path("help-requests/<int:pk>/", help_views.help_request_detail, name="help-request"),
    path("help-requests/<int:pk>/refer-new/", help_views.refer_new, name="help-refer-new"),
    path(
        "help-requests/<int:pk>/refer-existing/",
        help_views.refer_existing,
        name="help-refer-existing",
    ),
    path("help-requests/<int:pk>/not-real/", help_views.not_real, name="help-not-real"),
]
