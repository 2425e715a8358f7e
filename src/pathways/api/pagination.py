"""Numbered pages for every API list: bounded, and audited where they list people."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from pathways.core.audit import record_access_bulk

PAGE_SIZE = 50
#: No list has a millionth page; a larger number would overflow the database's OFFSET
#: (a 500 on both databases), so it is refused as bad input.
MAX_PAGE = 1_000_000


class NumberedPages(PageNumberPagination):
    """``?page=2&page_size=20``, with the page number bounded."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE)


class AuditedPageNumberPagination(NumberedPages):
    """Numbered pages (``?page=2&page_size=20``); the people on the page are audited.

    Only the rows actually returned are reads, so auditing happens here, after the
    page is cut, rather than in the view that builds the whole query.
    """

    def __init__(
        self,
        *,
        what: str,
        person_of: Callable[[Any], Any] | None = None,
        page_size: int = PAGE_SIZE,
        **kwargs: Any,
    ) -> None:
        super().__init__(page_size=page_size, **kwargs)
        self.what = what
        self.person_of = person_of or (lambda row: row)

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page[self.items_attribute])
        people = {p.pk: p for p in map(self.person_of, items)}.values()
        record_access_bulk(request.user, people, channel="api", what=self.what, request=request)
        page[self.items_attribute] = items
        return page
