from django.urls import path

from pathways.commissioning import claim_views as views

app_name = "claims"

urlpatterns = [
    path("", views.home, name="home"),
    path("contracts/<int:pk>/", views.contract_claims, name="contract"),
    path("contracts/<int:pk>/prepare/", views.prepare, name="prepare"),
    path("<int:pk>/", views.claim, name="claim"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/lines/<int:line_pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/claim.csv", views.export_csv, name="csv"),
    path("<int:pk>/claim.xlsx", views.export_xlsx, name="xlsx"),
]
