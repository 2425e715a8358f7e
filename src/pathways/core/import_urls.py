from django.urls import path

from pathways.core import import_views

app_name = "imports"
urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("confirm/", import_views.confirm, name="confirm"),
]
