"""``/api/v1/``: the API, its OpenAPI document and docs, and JSON for every error.

ninja answers a wrong method with a plain-text 405, Django a mistyped path with an
HTML 404 and a failure before the route with an HTML 500; all are rewritten here so
that API clients only ever parse JSON.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, path
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from pathways.api.api import api
from pathways.api.docs import docs_asset


def server_error(request: HttpRequest) -> HttpResponse:
    """The project's ``handler500``: a failure outside any API route (in the request
    plumbing before it) is JSON on the API's paths like every other API error; pages
    get Django's own 500 page."""
    if request.path.startswith("/api/"):
        detail = "Something went wrong on our side and nothing was changed. It has been logged."
        return JsonResponse({"detail": detail}, status=500)
    return defaults.server_error(request)


@csrf_exempt  # it changes nothing; without this a POST there got Django's HTML CSRF page
def unknown_path(request: HttpRequest, rest: str) -> JsonResponse:
    """Any path under the API that no route takes (``/opportunities/-1/close``: the id
    is not a whole number) is a JSON 404, whatever the method."""
    return JsonResponse({"detail": "No such API endpoint."}, status=404)


def json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)  # keeps ninja's csrf_exempt mark
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = response["Allow"]
        refusal = JsonResponse(
            {"detail": f"{request.method} is not allowed here; use {allowed}."}, status=405
        )
        refusal["Allow"] = allowed
        return refusal

    return answer


_patterns, _app_name, _namespace = api.urls
_api_patterns = [
    URLPattern(p.pattern, json_method_not_allowed(p.callback), p.default_args, p.name)
    if isinstance(p, URLPattern)
    else p
    for p in _patterns
]

urlpatterns = [
    path("docs/assets/<str:name>", docs_asset, name="api-docs-asset"),
    path("", (_api_patterns, _app_name, _namespace)),
    path("<path:rest>", unknown_path),
]
