"""Nothing shown is refused: for each demo role, every link on every page reachable from
"My work" answers 200 (or a download), so no one is offered a page they may not open.

The demo borough is loaded once for the module (inside a transaction rolled back at the
end), then each role signs in and follows every same-site link breadth first. To keep it
to seconds a role, links are grouped by the URL pattern they resolve to (with the query
string's parameter names), and at most ``PER_PATTERN`` of each group are followed.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from pathways.core.models import User
from pathways.workspace import demo

#: Followed per URL pattern (a person page, an episode page…): enough to meet the
#: different states a record can be in, few enough to take seconds. Set
#: PATHWAYS_CRAWL_PER_PATTERN=12 for a deeper look (minutes rather than seconds).
PER_PATTERN = int(os.environ.get("PATHWAYS_CRAWL_PER_PATTERN", "3"))
#: Answers that are files to save, not pages to read.
DOWNLOADS = (
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/zip",
    "text/calendar",
    "application/pdf",
    "application/octet-stream",
)
#: Not followed: leaving the site's pages (static files, the API's machine-readable
#: schema) or ending the session.
SKIP_PREFIXES = ("/static/", "/api/v1/openapi.json", "/sign-out", "/logout")
#: A safety stop, far above what the demo needs.
MAX_PAGES = 600


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_on(html: str, base: str) -> list[str]:
    """The same-site links on a page, as paths with their query, without fragments."""
    parser = _Links()
    parser.feed(html)
    out = []
    for href in parser.hrefs:
        absolute = urljoin(f"http://testserver{base}", href)
        parts = urlsplit(urldefrag(absolute).url)
        if parts.scheme not in ("http", "https") or parts.netloc != "testserver":
            continue
        out.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return out


def group_of(url: str) -> str:
    """Links that lead to the same kind of page: the URL pattern's name, with the names
    of the query's parameters (a filtered list is another page than the plain one)."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return f"unresolved:{parts.path}"
    names = sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{match.view_name}?{'&'.join(names)}"


@dataclass
class Crawl:
    pages: int = 0
    bad: list[str] = field(default_factory=list)


def crawl(client: Client) -> Crawl:
    result = Crawl()
    start = "/"
    seen = {start}
    per_group: dict[str, int] = {group_of(start): 1}
    queue: deque[tuple[str, str]] = deque([(start, "(home)")])
    while queue and result.pages < MAX_PAGES:
        url, found_on = queue.popleft()
        response = client.get(url)
        result.pages += 1
        if response.status_code == 302:
            target = response["Location"]
            follow = client.get(target)
            if follow.status_code != 200:
                result.bad.append(
                    f"{url} (linked from {found_on}) redirects to {target}, "
                    f"which answers {follow.status_code}"
                )
            continue
        if response.status_code != 200:
            result.bad.append(f"{url} (linked from {found_on}) answers {response.status_code}")
            continue
        kind = response.get("Content-Type", "").split(";")[0].strip()
        if kind in DOWNLOADS or response.has_header("Content-Disposition"):
            continue
        if kind != "text/html":
            continue
        for link in links_on(response.content.decode(), url):
            if link in seen or link.startswith(SKIP_PREFIXES):
                continue
            seen.add(link)
            group = group_of(link)
            if per_group.get(group, 0) >= PER_PATTERN:
                continue
            per_group[group] = per_group.get(group, 0) + 1
            queue.append((link, url))
    return result


@pytest.fixture(scope="module")
def demo_borough(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo borough, loaded once for this module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo.load()
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("role", list(demo.STAFF))
def test_every_link_shown_to_a_demo_role_opens(demo_borough, db, role: str) -> None:
    local = demo.STAFF[role][0]
    user = User.objects.get(email=f"{local}@{demo.EMAIL_DOMAIN}")
    client = Client()
    client.force_login(user)
    result = crawl(client)
    assert result.pages > 5, f"{role}: only {result.pages} pages reached from home"
    assert not result.bad, f"{role} is shown links that do not open:\n" + "\n".join(result.bad)
