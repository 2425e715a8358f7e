"""Who may see the outcome reports, on which authorities, and how the rows behind them
are shown: one copy of these rules for the report pages, the API, the row exports and
``pathways report``.

- **Which authorities**: the authorities of the teams whose figures a user may see
  (``policies.report_team_ids``: their own teams, and every team of an authority where
  they hold an authority-wide role); a superuser, or the command line without
  ``--as``, may report on every authority. Asking for one outside that is refused.
- **Who may open the report pages and the report API**: team managers, holders of an
  authority-wide role (intake officers, commissioners, data protection officers,
  admins) and superusers (``may_see_reports``). The command line is wider: with
  ``--as`` any member of a team may print their own authority's figures.
- **Rows**: real references and names only for callers who may read every resident's
  record in that authority (``policies.Scope.personal_data_authorities``: an
  authority-wide role other than commissioner), a superuser, or the command line
  without ``--as``. Everyone else, commissioners and team managers included, gets the
  keyed pseudonym of ``outcomes.pseudonym`` in place of both (``hidden_authorities``).
- **Small numbers**: the figures are exact for those who work with the people of
  every authority reported on (a team of theirs there in any role but commissioner, an
  authority-wide role that reads records, a superuser, the command line without
  ``--as``); everyone else, commissioners above all, gets them under the small-number
  rules of ``disclosure`` (``small_number_limit``). Pseudonymised rows always carry
  bands, whoever reads them (``outcomes`` applies ``disclosure.band_row``).
- **Audit**: every read of rows is recorded as a read of each person listed, saying
  whether the rows were pseudonymised (``audit_people``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from pathways.core import audit, policies
from pathways.core.models import AUTHORITY_WIDE_ROLES, Authority, User
from pathways.people.models import Person
from pathways.reporting import disclosure

if TYPE_CHECKING:
    from pathways.reporting.catalogue import Dates, OutcomeReport


class ReportScopeError(ValueError):
    """An authority that does not exist or that the caller may not report on.

    ``unknown`` tells the two apart for the command line; pages and the API answer the
    same for both.
    """

    def __init__(self, message: str, *, unknown: bool = False):
        super().__init__(message)
        self.message = message
        self.unknown = unknown


def may_see_reports(user: User) -> bool:
    """The report pages and the report API: team managers, authority-wide roles, and
    superusers (no query beyond the user's cached scope)."""
    scope = policies.scope_of(user)
    return scope.is_superuser or bool(
        policies.managed_team_ids(user) or scope.authorities_for(*AUTHORITY_WIDE_ROLES)
    )


def reportable_authorities(viewer: User | None) -> list[Authority]:
    """Every authority ``viewer`` may report on, by code (all of them for None)."""
    allowed = Authority.objects.order_by("code")
    if viewer is not None:
        team_ids = policies.report_team_ids(viewer)
        if team_ids is not None:
            allowed = allowed.filter(teams__pk__in=team_ids).distinct()
    return list(allowed)


def report_authorities(viewer: User | None, codes: Iterable[str] = ()) -> list[Authority]:
    """The authorities asked for, or all ``viewer`` may report on when none are; an
    unknown code, one outside the viewer's reach, or no authority at all raises
    ReportScopeError."""
    reachable = {a.code: a for a in reportable_authorities(viewer)}
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if not wanted:
        if viewer is not None and not reachable:
            raise ReportScopeError(f"{viewer.email} may not report on any authority")
        return list(reachable.values())
    outside = [c for c in wanted if c not in reachable]
    if outside:
        known = set(Authority.objects.filter(code__in=outside).values_list("code", flat=True))
        for code in outside:
            if code not in known:
                raise ReportScopeError(f"No authority has the code {code}", unknown=True)
        who = viewer.email if viewer is not None else "You"
        raise ReportScopeError(f"{who} may not report on authority {outside[0]}")
    return [reachable[c] for c in wanted]


def hidden_authorities(viewer: User | None, authorities: Iterable[Authority]) -> set[str]:
    """The codes of the authorities whose rows ``viewer`` sees pseudonymised."""
    if viewer is None:
        return set()
    scope = policies.scope_of(viewer)
    if scope.is_superuser:
        return set()
    whole = scope.personal_data_authorities
    return {a.code for a in authorities if a.pk not in whole}


def small_number_limit(viewer: User | None, authorities: Iterable[Authority]) -> int | None:
    """The small-number threshold when ``viewer`` sees the figures of any of the
    authorities as aggregates only (see the module docstring); None when exact."""
    if viewer is None:
        return None
    scope = policies.scope_of(viewer)
    if scope.is_superuser:
        return None
    working = scope.personal_data_authorities | {
        scope.authority_by_team[t] for t in scope.casework_team_ids
    }
    if all(a.pk in working for a in authorities):
        return None
    return disclosure.threshold()


def audit_people(
    viewer: User | None,
    people: Iterable[Person],
    hidden: Collection[str],
    *,
    channel: str,
    what: str,
    request: Any = None,
) -> None:
    """Record a read of each person listed in report rows; those of ``hidden``
    authorities as a read of pseudonymised rows. People need their authority loaded."""
    listed = list(people)
    named = [p for p in listed if p.authority.code not in hidden]
    aliased = [p for p in listed if p.authority.code in hidden]
    audit.record_access_bulk(viewer, named, channel=channel, what=what, request=request)
    audit.record_access_bulk(
        viewer, aliased, channel=channel, what=f"{what} (pseudonymised)", request=request
    )


def report_rows(
    viewer: User | None,
    report: OutcomeReport,
    authorities: list[Authority],
    dates: Dates,
    *,
    channel: str,
    request: Any = None,
) -> list[dict[str, Any]]:
    """The rows behind ``report`` for ``viewer``: pseudonymised where
    ``hidden_authorities`` says so, and audited as a read of each person listed.

    In a fixed number of queries: the report's own, one to load the people it listed
    (by the ids it hands back, so pseudonymised rows need no second run), and the audit
    entries.
    """
    hidden = hidden_authorities(viewer, authorities)
    seen: list[int] = []
    rows = report.rows(authorities, *dates, pseudonymise=hidden, seen=seen, **report.asking(viewer))
    audit_listed(viewer, seen, hidden, channel=channel, what=report.rows_read, request=request)
    return rows


def audit_listed(
    viewer: User | None,
    person_ids: Iterable[int],
    hidden: Collection[str],
    *,
    channel: str,
    what: str,
    request: Any = None,
) -> None:
    """``audit_people`` for the ids a report's rows listed (``seen``), each once, in
    the rows' order: one query for the people, then their audit entries."""
    order = list(dict.fromkeys(person_ids))
    found = Person.objects.select_related("authority").in_bulk(order)
    people = [found[pk] for pk in order if pk in found]
    audit_people(viewer, people, hidden, channel=channel, what=what, request=request)
