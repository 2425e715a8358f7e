"""What the API routers share, so that every router answers errors in the same shapes:
the refusals a write may give (for the OpenAPI document), a 422 naming one field, a
service's ``ValidationError`` as a 422 naming each field, and finding the person a route
is about (404 as if they did not exist, the refused read audited)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from ninja.errors import ValidationError

from pathways.api.schemas import Error, FieldErrors
from pathways.core.types import AuthedRequest
from pathways.people.models import Person
from pathways.people.policy import person_policy

#: The error answers every write may give, for the OpenAPI document.
REFUSALS = {401: Error, 403: Error, 404: Error, 409: Error, 422: FieldErrors}
#: The same for a read that may refuse a role (403) but changes nothing (no 409).
READ_REFUSALS = {code: shape for code, shape in REFUSALS.items() if code != 409}


def field_error(field: str, message: str) -> ValidationError:
    """A 422 naming one body field, in the same shape as a schema's own errors."""
    return ValidationError([{"loc": ("body", "payload", field), "msg": message}])


@contextmanager
def fields_named() -> Iterator[None]:
    """A service's ``ValidationError`` as a 422 naming each field, like a schema's own."""
    try:
        yield
    except DjangoValidationError as exc:
        errors: dict[str, list[str]] = (
            exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        )
        raise ValidationError(
            [
                {
                    "loc": ("body", "payload", "body" if name == NON_FIELD_ERRORS else name),
                    "msg": " ".join(messages),
                }
                for name, messages in errors.items()
            ]
        ) from exc


def person_in_scope(
    request: AuthedRequest,
    person_id: int,
    what: str = "person record",
    *,
    rows: QuerySet[Person] | None = None,
) -> Person:
    """The person's record for a route about them (``what``), or 404 as if they did not
    exist, the refused read audited. ``rows`` loads the record with what the route
    shows (by default the record alone)."""
    found: Person = person_policy.fetch_or_refuse(
        request.user, person_id, rows=rows, channel="api", what=what, request=request
    )
    return found
