"""The pages for a person's purchases with a personal budget."""

from django.urls import path

from pathways.commissioning import purchase_views

app_name = "purchases"
urlpatterns = [
    path("people/<int:person_pk>/purchases/new/", purchase_views.new_purchase, name="new"),
    path("purchases/<int:pk>/", purchase_views.change_purchase, name="change"),
]
