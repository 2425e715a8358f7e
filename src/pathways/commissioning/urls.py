"""The directory and contract pages, mounted at ``commissioning/``."""

from django.urls import path

from pathways.commissioning import views

app_name = "commissioning"

urlpatterns = [
    path("providers/", views.provider_list, name="providers"),
    path("providers/new/", views.provider_new, name="provider-new"),
    path("providers/<int:pk>/", views.provider, name="provider"),
    path("providers/<int:pk>/edit/", views.provider_edit, name="provider-edit"),
    path("contracts/", views.contract_list, name="contracts"),
    path("contracts/new/", views.contract_new, name="contract-new"),
    path("contracts/<int:pk>/", views.contract, name="contract"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract-edit"),
    path("contracts/<int:pk>/prices/", views.tariff_set, name="tariff-set"),
    path(
        "contracts/<int:pk>/prices/<int:tariff_pk>/remove/",
        views.tariff_remove,
        name="tariff-remove",
    ),
]
