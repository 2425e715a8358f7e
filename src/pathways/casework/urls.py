from django.urls import path

from pathways.casework import views

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
]
