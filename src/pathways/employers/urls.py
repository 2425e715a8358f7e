"""Every employers page, from each sub-domain, in one ``employers:`` namespace (the
names and paths they had before the split).

Order matters once: ``opportunities`` comes before ``overview``, whose
``employers/<pk>/<what>/new/`` would otherwise take ``employers/<pk>/opportunities/new/``.
"""

from django.urls import include, path

app_name = "employers"
urlpatterns = [
    path("", include("pathways.employers.engagement.urls")),
    path("", include("pathways.employers.opportunities.urls")),
    path("", include("pathways.employers.candidacies.urls")),
    path("", include("pathways.employers.cohorts.urls")),
    path("", include("pathways.employers.pledges.urls")),
    path("", include("pathways.employers.overview.urls")),
]
