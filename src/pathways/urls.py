from django.urls import include, path

#: JSON on the API's paths, Django's own page elsewhere.
handler500 = "pathways.api.urls.server_error"

urlpatterns = [
    path("", include("pathways.core.urls")),
    path("", include("pathways.workspace.urls")),
    path("people/", include("pathways.people.urls")),
    path("referrals/", include("pathways.referrals.urls")),
    path("", include("pathways.casework.urls")),
    path("", include("pathways.employers.urls")),
    path("", include("pathways.matching.urls")),
    path("", include("pathways.employment.urls")),
    path("commissioning/targets/", include("pathways.commissioning.target_urls")),
    path("commissioning/claims/", include("pathways.commissioning.claim_urls")),
    path("commissioning/onward/", include("pathways.commissioning.onward_urls")),
    path("commissioning/", include("pathways.commissioning.urls")),
    path("", include("pathways.commissioning.purchase_urls")),
    path("reports/", include("pathways.reporting.urls")),
    path("privacy/", include("pathways.privacy.urls")),
    path("imports/", include("pathways.core.import_urls")),
    path("api/v1/", include("pathways.api.urls")),
    path("my/", include("pathways.portal.urls")),
    path("", include("pathways.portal.staff_urls")),
]
