"""What the portal's home page offers: one entry per section, and prompts that ask the
person something at the right moment (another app's page registers here, the home page
only loops). Sections appear in the order registered below; a supporter sees only the
sections the person agreed to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from pathways.portal.models import PortalAccount


@dataclass(frozen=True)
class PortalPage:
    section: str
    #: What the home page calls it, in plain words.
    label: str
    #: One short line under the label.
    hint: str
    url_name: str
    #: An icon in static/portal/icons (without .svg).
    icon: str


@dataclass(frozen=True)
class Prompt:
    """Something the home page asks about first ("You started your job. How is it going?")."""

    text: str
    url: str
    icon: str = "star"


PAGES: list[PortalPage] = []
PROMPTS: list[Callable[[PortalAccount], list[Prompt]]] = []


def page(section: str, label: str, hint: str, url_name: str, icon: str) -> None:
    """Offer a section on the home page (called from the module that holds its views)."""
    if all(p.section != section for p in PAGES):
        PAGES.append(PortalPage(section, label, hint, url_name, icon))


def prompts(
    rule: Callable[[PortalAccount], list[Prompt]],
) -> Callable[[PortalAccount], list[Prompt]]:
    """Register a rule giving the home page's prompts for an account."""
    PROMPTS.append(rule)
    return rule


def offered(account: PortalAccount) -> list[tuple[PortalPage, str]]:
    """The sections this account may open, each with its address."""
    entries = []
    for entry in PAGES:
        if not account.may_see(entry.section):
            continue
        try:
            entries.append((entry, reverse(entry.url_name)))
        except NoReverseMatch:  # a section whose pages are not installed
            continue
    return entries


def prompts_for(account: PortalAccount) -> list[Prompt]:
    return [p for rule in PROMPTS for p in rule(account)]
