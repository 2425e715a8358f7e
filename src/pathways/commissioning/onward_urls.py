from django.urls import path

from pathways.commissioning import onward_views as views

app_name = "onward"
urlpatterns = [
    path("", views.sent, name="sent"),
    path("<int:pk>/", views.detail, name="detail"),
    path("people/<int:person_pk>/new/", views.refer, name="new"),
]
