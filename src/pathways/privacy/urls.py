"""The data protection officer's pages: subject access, retention and erasure."""

from django.urls import path

from pathways.privacy import views
from pathways.privacy.retention_urls import urlpatterns as retention_urlpatterns

app_name = "privacy"

urlpatterns = [
    path("", views.home, name="home"),
    path("subject-access/", views.queue, name="subject-access"),
    path("subject-access/new/", views.log_request, name="subject-access-new"),
    path("subject-access/<int:pk>/", views.request_page, name="subject-access-request"),
    path("subject-access/<int:pk>/document/", views.document, name="subject-access-document"),
    path("subject-access/<int:pk>/archive/", views.archive, name="subject-access-archive"),
    path("subject-access/<int:pk>/complete/", views.complete, name="subject-access-complete"),
    *retention_urlpatterns,
]
