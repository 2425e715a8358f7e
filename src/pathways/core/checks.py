"""Fail closed: outside debug, Pathways does not start on a key anyone could know.

``SECRET_KEY`` signs sessions and sign-in links; ``PATHWAYS_PSEUDONYM_KEY`` keys the
pseudonyms in commissioners' rows, so with it a pseudonym can be turned back into a
person. Django's own ``check --deploy`` only warns about a weak ``SECRET_KEY``; here a
missing, short or built-in key of either kind, or the same key for both, is an error:
every command that runs the system checks (``pathways serve``, ``migrate``, ``import``
…) stops with the message, and so does loading the WSGI application
(``pathways.wsgi``), which Django does not check.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.core.exceptions import ImproperlyConfigured

#: Django's own advice for SECRET_KEY: at least 50 characters.
MINIMUM_KEY_LENGTH = 50

KEYS = (
    ("SECRET_KEY", "pathways.E001"),
    ("PATHWAYS_PSEUDONYM_KEY", "pathways.E002"),
)


def key_problems() -> list[tuple[str, str]]:
    """(check id, what is wrong) for each unsafe key; none in debug."""
    if settings.DEBUG:
        return []
    problems = []
    for name, check_id in KEYS:
        value = getattr(settings, name, "") or ""
        if value in settings.DEVELOPMENT_KEYS:
            problems.append((check_id, f"{name} is not set: set it to a long random string."))
        elif len(value) < MINIMUM_KEY_LENGTH or len(set(value)) < 5:
            problems.append(
                (
                    check_id,
                    f"{name} is too short or too simple: use at least {MINIMUM_KEY_LENGTH} "
                    "random characters.",
                )
            )
    if settings.SECRET_KEY == settings.PATHWAYS_PSEUDONYM_KEY:
        problems.append(
            (
                "pathways.E003",
                "SECRET_KEY and PATHWAYS_PSEUDONYM_KEY are the same: give each its own key.",
            )
        )
    return problems


@register()
def keys_are_safe(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(message, hint="Outside debug (DJANGO_DEBUG=false) both keys are required.", id=i)
        for i, message in key_problems()
    ]


def refuse_unsafe_keys() -> None:
    """Stop a process that serves requests (the WSGI application) on an unsafe key."""
    problems = key_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(message for _, message in problems))
