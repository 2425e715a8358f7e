"""Pages of people whose every row is audited as a read, in one INSERT per page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja.pagination import PageNumberPagination

from pathways.core.audit import record_access_bulk

PAGE_SIZE = 50


class AuditedPageNumberPagination(PageNumberPagination):
    """Numbered pages (``?page=2&page_size=20``); the people on the page are audited.

    Only the rows actually returned are reads, so auditing happens here, after the
    page is cut, rather than in the view that builds the whole query.
    """

    def __init__(self, *, what: str, page_size: int = PAGE_SIZE, **kwargs: Any) -> None:
        super().__init__(page_size=page_size, **kwargs)
        self.what = what

    def paginate_queryset(
        self, queryset: QuerySet, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        items = list(page[self.items_attribute])
        record_access_bulk(request.user, items, channel="api", what=self.what, request=request)
        page[self.items_attribute] = items
        return page
