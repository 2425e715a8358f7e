from django.urls import path

from pathways.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.reports_index, name="index"),
    path("caseload/", views.caseload_page, name="caseload"),
    path("caseload/<str:code>/reassign/", views.reassign, name="reassign"),
    path("employment-rate/", views.employment_rate_page, name="employment-rate"),
    path("employment-rate/chart.svg", views.employment_rate_chart, name="employment-rate-chart"),
    path("employment-rate/trend.svg", views.employment_rate_trend, name="employment-rate-trend"),
    path("employment-rate/rows.csv", views.employment_rate_rows, name="employment-rate-rows"),
    path("outcomes/", views.outcomes_page, name="outcomes"),
    path("outcomes/chart.svg", views.outcomes_chart, name="outcomes-chart"),
    path("outcomes/rows.csv", views.outcomes_rows, name="outcomes-rows"),
    path("savings/", views.savings_page, name="savings"),
    path("savings/chart.svg", views.savings_chart, name="savings-chart"),
    path("savings/rows.csv", views.savings_rows, name="savings-rows"),
]
