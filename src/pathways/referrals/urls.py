from django.urls import path

from pathways.referrals import views

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
]
