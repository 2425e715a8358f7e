"""The report pages. Each outcome report (``catalogue.REPORTS``) gets its page, its
charts and its rows under its slug, all served by the same three views."""

from django.urls import URLPattern, path

from pathways.reporting import views
from pathways.reporting.catalogue import REPORTS, OutcomeReport

app_name = "reporting"


def _outcome_report(report: OutcomeReport) -> list[URLPattern]:
    slug = report.slug
    return [
        path(f"{slug}/", views.report_page, {"report": report}, name=slug),
        *(
            path(
                f"{slug}/{chart.name}.svg",
                views.report_chart,
                {"report": report, "chart": chart},
                name=f"{slug}-{chart.name}",
            )
            for chart in report.charts
        ),
        path(f"{slug}/rows.csv", views.report_rows, {"report": report}, name=f"{slug}-rows"),
    ]


urlpatterns = [
    path("", views.reports_index, name="index"),
    path("caseload/", views.caseload_page, name="caseload"),
    path("caseload/<str:code>/reassign/", views.reassign, name="reassign"),
    path("providers/", views.providers_page, name="providers"),
    *(
        path(
            f"providers/{chart}.svg",
            views.providers_chart,
            {"chart": chart},
            name=f"providers-{chart}",
        )
        for chart in ("outcomes", "cost")
    ),
    *(pattern for report in REPORTS.values() for pattern in _outcome_report(report)),
]
