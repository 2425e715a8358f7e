"""The lists of the people a worker or a team supports: "My people" (the people
allocated to the signed-in worker) and the team list (the people of the teams where
they hold or manage cases), with filters, sortable columns and 50 people a page.

A list of people is a read of each person shown: every person on the page is on the
audit trail (``audit.record_access_bulk``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pathways.casework import selectors
from pathways.casework.forms import PeopleListForm
from pathways.casework.models import Episode, SupportedElement
from pathways.core import audit
from pathways.core.pages import paged
from pathways.core.types import AuthedRequest

#: People a page.
PER_PAGE = 50

#: The table's columns: heading, and the sort it offers (None: not sortable).
COLUMNS = [
    ("Name", "name"),
    ("Need group", None),
    ("Stage", "stage"),
    ("Worker", None),
    ("Package", "package_end"),
    ("Days since contact", "contact"),
]

ORDERS = {"ascending": "asc", "descending": "desc"}


@login_required
def my_people(request: AuthedRequest) -> HttpResponse:
    return _people_page(request, mine=True)


@login_required
def team_people(request: AuthedRequest) -> HttpResponse:
    return _people_page(request, mine=False)


def _sort_of(request: AuthedRequest) -> tuple[str, str]:
    """The sort asked for and its direction ("ascending" or "descending"); the name,
    A to Z, for anything else."""
    sort = request.GET.get("sort", "name")
    if sort not in selectors.SORTS:
        return "name", "ascending"
    order = {v: k for k, v in ORDERS.items()}.get(request.GET.get("order", ""))
    return sort, order or selectors.SORTS[sort]


def _headers(request: AuthedRequest, sort: str, direction: str) -> list[dict[str, Any]]:
    """Each column's heading, with a link that sorts by it (the other way round when
    the list is already sorted by it) and its ``aria-sort``."""
    headers = []
    for label, key in COLUMNS:
        header: dict[str, Any] = {"label": label, "key": key}
        if key is not None:
            params = request.GET.copy()
            params.pop("page", None)
            if key == sort:
                then = "descending" if direction == "ascending" else "ascending"
                header["aria_sort"] = direction
            else:
                then = selectors.SORTS[key]
                header["aria_sort"] = "none"
            params["sort"] = key
            params["order"] = ORDERS[then]
            header["href"] = "?" + params.urlencode()
            header["then"] = then
        headers.append(header)
    return headers


def _package_of(episode: Any) -> str:
    parts = []
    if episode.package_work_entry:
        parts.append("Work entry")
    if episode.package_element:
        parts.append(SupportedElement(episode.package_element).label)
    return " and ".join(parts)


def _row(episode: Any, on: dt.date) -> dict[str, Any]:
    return {
        "episode": episode,
        "person": episode.person,
        "package": _package_of(episode),
        "days_since_contact": (on - episode.contact).days,
    }


def _people_page(request: AuthedRequest, *, mine: bool) -> HttpResponse:
    user = request.user
    if not selectors.may_list_people(user):
        raise PermissionDenied("Lists of people are for staff who hold or manage cases in a team.")
    teams = [] if mine else list(selectors.list_teams(user))
    workers = [] if mine else list(selectors.list_workers(user))
    form = PeopleListForm(request.GET, mine=mine, teams=teams, workers=workers)
    sort, direction = _sort_of(request)
    on = timezone.localdate()
    found = None
    rows: list[dict[str, Any]] = []
    if form.is_valid():
        episodes = selectors.people_list(
            user,
            mine=mine,
            on=on,
            filters=form.filters(),
            sort=sort,
            descending=direction == "descending",
        )
        found = paged(request, episodes, PER_PAGE)
        shown: list[Episode] = list(found.page.object_list)
        rows = [_row(e, on) for e in shown]
        audit.record_access_bulk(
            user,
            [e.person for e in shown],
            channel="web",
            what="my people list" if mine else "team's people list",
            request=request,
        )
    filtered = any(request.GET.get(name) for name in form.fields)
    return render(
        request,
        "casework/people_list.html",
        {
            "mine": mine,
            "form": form,
            "paged": found,
            "rows": rows,
            "headers": _headers(request, sort, direction),
            "sort": sort,
            "direction": direction,
            "filtered": filtered,
            "teams": teams,
        },
        status=200 if found is not None else 400,
    )
