from django.urls import path

from pathways.reporting import views

app_name = "reporting"
urlpatterns = [
    path("caseload/", views.caseload_page, name="caseload"),
    path("caseload/<str:code>/reassign/", views.reassign, name="reassign"),
]
