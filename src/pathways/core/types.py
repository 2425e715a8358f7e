from django.http import HttpRequest

from pathways.core.models import User


class AuthedRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a staff account."""

    user: User  # type: ignore[assignment]
