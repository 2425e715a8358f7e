"""What the API routers share, so that every router answers errors in the same shapes:
the refusals a write may give (for the OpenAPI document), a 422 naming one field, a
service's ``ValidationError`` as a 422 naming each field, and finding the person a route
is about (404 as if they did not exist, the refused read audited)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from ninja.errors import ValidationError

from pathways.api.schemas import Error, FieldErrors
from pathways.core import audit
from pathways.core.models import User
from pathways.core.types import AuthedRequest
from pathways.people.models import Person
from pathways.people.selectors import get_person_record, person_exists

#: The error answers every write may give, for the OpenAPI document.
REFUSALS = {401: Error, 403: Error, 404: Error, 409: Error, 422: FieldErrors}


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
    find: Callable[[User, int], Person | None] = get_person_record,
) -> Person:
    """The person's record for a route about them (``what``), or 404 as if they did not
    exist, the refused read audited. ``find`` reads the record (by default without the
    history the person page adds)."""
    person = find(request.user, person_id)
    if person is None:
        audit.record_refused_read(
            request.user, person_exists(person_id), channel="api", what=what, request=request
        )
        raise Http404("No such person.")
    return person
