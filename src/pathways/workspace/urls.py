from django.urls import path

from pathways.workspace import views

urlpatterns = [
    path("", views.my_work, name="my-work"),
    path("people/<int:pk>/", views.person, name="person"),
    path("audit/", views.audit_home, name="audit"),
    path("audit/people/<int:pk>/", views.audit_person, name="audit-person"),
]
