"""Interactive API docs that work offline and under the strict Content Security Policy.

django-ninja renders Swagger UI from a CDN unless ``ninja`` is an installed app; the
CDN is blocked by ``script-src 'self'`` (and unreachable offline). Swagger UI's own
files ship inside the django-ninja package, so we serve those from our origin, with a
page that has no inline script or style.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"

#: The Swagger UI files the docs page loads, and nothing else from that folder.
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon.svg": "image/svg+xml",
    "favicon.png": "image/png",
}


class OfflineSwagger(DocsBase):
    """Swagger UI from our own origin; "Authorize" takes the bearer token."""

    #: ``persistAuthorization`` off: a token typed into the page is not kept in storage.
    settings = {"layout": "BaseLayout", "deepLinking": True, "persistAuthorization": False}

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        openapi_url = self.get_openapi_url(api, kwargs)

        def asset(name: str) -> str:
            return reverse("api-docs-asset", args=[name])

        return render(
            request,
            "api/docs.html",
            {
                "api": api,
                "openapi_url": openapi_url,
                "swagger_settings": {**self.settings, "url": openapi_url},
                "css_url": asset("swagger-ui.css"),
                "bundle_url": asset("swagger-ui-bundle.js"),
                "init_url": asset("swagger-ui-init.js"),
                "favicon_svg_url": asset("favicon.svg"),
                "favicon_png_url": asset("favicon.png"),
            },
        )


def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    """One Swagger UI file from the installed django-ninja package."""
    content_type = ASSETS.get(name)
    if content_type is None:
        raise Http404("No such file.")
    return FileResponse((ASSET_DIR / name).open("rb"), content_type=content_type)
