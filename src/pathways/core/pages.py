"""How a page runs a form through a service: the pages' mirror of the API's
exception handlers (``api/api.py``), so that a refusal reads the same everywhere.

A service refuses with ``core.errors`` exceptions and Django's ``ValidationError``.
On a page the refusal goes where the user will look for it: a ``ValidationError`` on
the field it names (in the error summary too), an ``ActionRefused`` at the top of the
form, and a ``ConcurrentEdit`` there as well with the status 409, so the page can
offer the record as it now is. Buttons without a form (``act``) show the refusal in
the page's banner instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from pathways.core.audit import record_access_bulk
from pathways.core.errors import ActionRefused, ConcurrentEdit, NeedsConfirmation
from pathways.core.forms import add_service_errors

T = TypeVar("T")


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """What came of a form: ``status`` 200 when the service did it (``result`` is what
    it returned), 400 when the form or the service refused, 409 when someone else
    changed the record first."""

    status: int
    result: T | None = None

    @property
    def done(self) -> bool:
        return self.status == 200

    @property
    def conflict(self) -> bool:
        return self.status == 409


def attempt(
    form: forms.Form,
    perform: Callable[[dict[str, Any]], T],
    *,
    request: HttpRequest | None = None,
) -> Attempt[T]:
    """Validate ``form`` and give its cleaned data to ``perform`` (a service call);
    a refusal is put on the form, and so is a question (``ask_to_confirm``)."""
    if not form.is_valid():
        return Attempt(400)
    try:
        return Attempt(200, perform(form.cleaned_data))
    except NeedsConfirmation as exc:
        ask_to_confirm(form, exc, request=request)
    except ConcurrentEdit as exc:
        form.add_error(None, exc.message)
        return Attempt(409)
    except ActionRefused as exc:
        form.add_error(None, exc.message)
    except ValidationError as exc:
        add_service_errors(form, exc)
    return Attempt(400)


def ask_to_confirm(
    form: forms.Form, exc: NeedsConfirmation, *, request: HttpRequest | None = None
) -> None:
    """Show the service's question on ``form`` (``includes/confirm_unusual.html``: the
    warnings and a "Yes, this is right" checkbox carrying ``exc.key``). A warning that
    shows another person's details (a possible duplicate) is a read of their record,
    and recorded as one."""
    form.unusual = exc  # type: ignore[attr-defined]
    shown = [u.shows for u in exc.unusual if getattr(u, "shows", None) is not None]
    if shown and request is not None:
        record_access_bulk(
            request.user,
            shown,
            channel="web",
            what="shown as possibly the same person",
            request=request,
        )


def posted(request: HttpRequest) -> QueryDict | None:
    """The posted data, for a form that is shown on GET and sent on POST."""
    return request.POST if request.method == "POST" else None


def act(request: HttpRequest, perform: Callable[[], Any], *, done: str) -> bool:
    """A button's action (no form to put a refusal on): the banner says ``done``, or
    why the service refused. Whether it was done."""
    try:
        perform()
    except ActionRefused as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True


@dataclass(frozen=True)
class Paged:
    """One page of a list and the links of GOV.UK's pagination component: each link
    keeps the page's other query parameters (its filters) and adds ``keep``."""

    page: Page
    previous: str | None
    next: str | None
    #: Page numbers with their links; ``None`` for a gap ("…").
    links: list[tuple[int, str] | None]

    @property
    def total(self) -> int:
        """How many rows the list has on all its pages."""
        return self.page.paginator.count


def paged(
    request: HttpRequest, rows: QuerySet[Any] | Sequence[Any], per_page: int, **keep: Any
) -> Paged:
    """The page of ``rows`` that ``?page=`` asks for (the first for anything that is
    not a page number, the last beyond the end): two queries, whichever page."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    for name, value in keep.items():
        params[name] = str(value)

    def href(number: int) -> str:
        params["page"] = str(number)
        return "?" + params.urlencode()

    return Paged(
        page,
        previous=href(page.previous_page_number()) if page.has_previous() else None,
        next=href(page.next_page_number()) if page.has_next() else None,
        links=[
            None if number == Paginator.ELLIPSIS else (int(number), href(int(number)))
            for number in page.paginator.get_elided_page_range(
                page.number, on_each_side=1, on_ends=1
            )
        ],
    )
