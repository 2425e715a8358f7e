"""The targets page (``target_views``), mounted at ``/commissioning/targets/``."""

from django.urls import path

from pathways.commissioning import target_views

app_name = "commissioning-targets"

urlpatterns = [
    path("", target_views.targets_page, name="list"),
    path("<int:pk>/remove/", target_views.remove, name="remove"),
]
