"""The data protection officer's pages."""

from pathways.privacy.retention_urls import urlpatterns as retention_urlpatterns

app_name = "privacy"

urlpatterns: list = [*retention_urlpatterns]
