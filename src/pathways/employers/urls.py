from django.urls import path

from pathways.employers import views

app_name = "employers"
urlpatterns = [
    path("employers/", views.employer_list, name="employers"),
    path("employers/new/", views.employer_new, name="employer-new"),
    path("employers/pledges/", views.pledges, name="pledges"),
    path("employers/<int:pk>/", views.employer, name="employer"),
    path("employers/<int:pk>/edit/", views.employer_edit, name="employer-edit"),
    path("employers/<int:pk>/engagements/", views.record_engagement, name="engagement"),
    path("employers/<int:pk>/opportunities/new/", views.opportunity_new, name="opportunity-new"),
    path("employers/<int:pk>/<str:what>/new/", views.employer_add, name="employer-add"),
    path("opportunities/", views.opportunity_list, name="opportunities"),
    path("opportunities/<int:pk>/", views.opportunity, name="opportunity"),
    path("opportunities/<int:pk>/close/", views.opportunity_close, name="opportunity-close"),
    path("candidacies/", views.put_forward, name="put-forward"),
    path("candidacies/<int:pk>/", views.candidacy, name="candidacy"),
    path("candidacies/<int:pk>/move/", views.move_candidacy, name="candidacy-move"),
    path("cohorts/", views.cohort_list, name="cohorts"),
    path("cohorts/new/", views.cohort_new, name="cohort-new"),
    path("cohorts/<int:pk>/", views.cohort, name="cohort"),
    path("cohorts/<int:pk>/interns/", views.cohort_interns, name="cohort-interns"),
    path("cohorts/<int:pk>/rotations/new/", views.rotation_new, name="rotation-new"),
]
