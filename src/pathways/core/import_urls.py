from django.urls import path

from pathways.core import import_views

app_name = "imports"
urlpatterns = [
    path("", import_views.upload, name="upload"),
    path("confirm/", import_views.confirm, name="confirm"),
    path("runs/<uuid:run_id>/", import_views.run_page, name="run"),
]
