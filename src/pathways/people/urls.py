from django.urls import path

from pathways.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/contacts/new/", views.add_contact, name="add-contact"),
    path("<int:pk>/consent/new/", views.record_consent, name="record-consent"),
]
