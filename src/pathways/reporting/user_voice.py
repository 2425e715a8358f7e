"""The user voice report: how people say their support is going ("How is it going?",
``casework.Feedback``), per team and per financial quarter (decision 0048).

- **Whose figures**: the teams whose figures the viewer may see
  (``policies.report_team_ids``): a team manager their own teams, a commissioner every
  team of their authority; the command line without ``--as``, every team. A piece of
  feedback counts for the team it was given to, even if the case has moved since.
- **Numbers**: how many said happy, okay and not happy, how many in all, and the share
  happy; under the small-number rules of ``disclosure`` for viewers who see
  aggregates only (``access.small_number_limit``: commissioners).
- **Words**: only the team reads what people wrote: the page lists the words given to
  the teams where the viewer works with people (any role but commissioner,
  ``Scope.casework_team_ids``), each read on the person's audit trail; the rows behind
  the figures are theirs alone too. Commissioners see numbers only.

``catalogue.USER_VOICE`` describes it once for the page, its rows and ``pathways
report user-voice``; its functions take the ``viewer`` (``OutcomeReport.per_viewer``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from pathways.casework.models import Feedback, Feeling
from pathways.casework.prompts import prompt_label
from pathways.core import policies
from pathways.core.models import Authority, User
from pathways.reporting import disclosure
from pathways.reporting.access import audit_people
from pathways.reporting.outcomes import Pseudonymise, _row, _Who

FEELINGS = tuple(Feeling.values)
FEELING_LABELS = dict(Feeling.choices)
#: The most recent words the page lists (the rows have every piece of feedback).
WORDS_SHOWN = 100
COLUMNS = (
    "authority",
    "person_ref",
    "name",
    "team",
    "quarter",
    "feeling",
    "prompted_by",
    "needs_reply",
    "replied",
)


# --- quarters --------------------------------------------------------------------------


def quarter_of(day: dt.date) -> str:
    """The financial quarter a day falls in: ``2026-27 Q1`` is April to June 2026."""
    first = day.year if day.month >= 4 else day.year - 1
    number = (day.month - 4) % 12 // 3 + 1
    return f"{first}-{(first + 1) % 100:02d} Q{number}"


def quarters(start: dt.date, end: dt.date) -> list[str]:
    """Each financial quarter the period touches, oldest first."""
    out: list[str] = []
    day = dt.date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
    while day <= end:
        out.append(quarter_of(day))
        day = dt.date(day.year + (day.month + 3 > 12), (day.month + 2) % 12 + 1, 1)
    return out


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# --- the figures -----------------------------------------------------------------------


def _team_scope(viewer: User | None) -> frozenset[int] | None:
    """The teams whose figures ``viewer`` may see (None: every team)."""
    return None if viewer is None else policies.report_team_ids(viewer)


def _word_teams(viewer: User | None) -> frozenset[int] | None:
    """The teams whose words ``viewer`` reads: where they work with people (None:
    every team, for the command line)."""
    return None if viewer is None else policies.scope_of(viewer).casework_team_ids


def _given(
    authorities: list[Authority], start: dt.date, end: dt.date, team_ids: Collection[int] | None
) -> QuerySet[Feedback]:
    given = Feedback.objects.filter(
        team__authority__in=authorities,
        given_at__gte=_start_of(start),
        given_at__lt=_start_of(end + dt.timedelta(days=1)),
    )
    return given if team_ids is None else given.filter(team_id__in=team_ids)


def _share(happy: int, given: int) -> str | None:
    if not given:
        return None
    return str((Decimal(100 * happy) / given).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _counts(by_feeling: Mapping[str, int]) -> dict[str, Any]:
    given = sum(by_feeling.get(f, 0) for f in FEELINGS)
    return {
        **{f: by_feeling.get(f, 0) for f in FEELINGS},
        "given": given,
        "share_happy": _share(by_feeling.get(Feeling.HAPPY, 0), given),
    }


def summary(
    authorities: list[Authority], start: dt.date, end: dt.date, *, viewer: User | None = None
) -> dict[str, Any]:
    """The counts for the viewer's teams, in one query: in all, per team, and per team
    and quarter (every quarter of the period, with its zeros)."""
    counted = (
        _given(authorities, start, end, _team_scope(viewer))
        .annotate(quarter=TruncQuarter("given_at"))
        .values("team__code", "team__name", "team__authority__code", "quarter", "feeling")
        .annotate(n=Count("id"))
        .order_by("team__code")
    )
    periods = quarters(start, end)
    tally: dict[str, dict[str, Any]] = {}
    for line in counted:
        team = tally.setdefault(
            line["team__code"],
            {
                "name": line["team__name"],
                "authority": line["team__authority__code"],
                "by_quarter": {q: {} for q in periods},
            },
        )
        quarter = quarter_of(timezone.localtime(line["quarter"]).date())
        cell = team["by_quarter"].setdefault(quarter, {})
        cell[line["feeling"]] = cell.get(line["feeling"], 0) + line["n"]
    by_team: dict[str, dict[str, Any]] = {}
    for code, team in sorted(tally.items()):
        in_quarters = {q: _counts(c) for q, c in team["by_quarter"].items()}
        overall = {f: sum(c[f] for c in in_quarters.values()) for f in FEELINGS}
        by_team[code] = {
            "name": team["name"],
            "authority": team["authority"],
            **_counts(overall),
            "by_quarter": in_quarters,
        }
    overall = {f: sum(t[f] for t in by_team.values()) for f in FEELINGS}
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "authorities": [a.code for a in authorities],
        **_counts(overall),
        "by_team": by_team,
    }


def disclose(data: Mapping[str, Any], limit: int | None) -> disclosure.Disclosed:
    """Each cell's feelings add up to its number given; a team's quarters add up to the
    team, and the teams to the total; the share happy is shown only with both counts
    it comes from."""
    table = disclosure.Table()

    def cells(base: disclosure.Path, figures: Mapping[str, Any]) -> list[disclosure.Path]:
        parts = [table.count((*base, f), figures[f]) for f in FEELINGS]
        given = table.count((*base, "given"), figures["given"])
        table.sums.append((given, tuple(parts)))
        table.follows[(*base, "share_happy")] = (parts[0], given)
        return [given, *parts]

    def add_up(total: list[disclosure.Path], parts: list[list[disclosure.Path]]) -> None:
        if parts:
            for i, whole in enumerate(total):
                table.sums.append((whole, tuple(p[i] for p in parts)))

    everyone = cells((), data)
    teams = []
    for code, team in data["by_team"].items():
        whole = cells(("by_team", code), team)
        add_up(
            whole,
            [cells(("by_team", code, "by_quarter", q), c) for q, c in team["by_quarter"].items()],
        )
        teams.append(whole)
    add_up(everyone, teams)
    return disclosure.disclose(data, table, limit)


# --- the rows and the words --------------------------------------------------------------


def _rows_of(
    authorities: list[Authority], start: dt.date, end: dt.date, viewer: User | None
) -> QuerySet[Feedback]:
    return (
        _given(authorities, start, end, _word_teams(viewer))
        .select_related("person", "person__authority", "team", "team__authority")
        .order_by("-given_at", "-id")
    )


def rows(
    authorities: list[Authority],
    start: dt.date,
    end: dt.date,
    *,
    pseudonymise: Pseudonymise = False,
    seen: list[int] | None = None,
    viewer: User | None = None,
) -> list[dict[str, Any]]:
    """One row per piece of feedback given to the viewer's own teams (none for a
    commissioner), without the words: those are on the page."""
    out = []
    for given in _rows_of(authorities, start, end, viewer):
        person = given.person
        who = _Who(person.pk, person.authority.code, person.person_ref, person.full_name)
        out.append(
            _row(
                who,
                pseudonymise,
                team=given.team.code,
                quarter=quarter_of(timezone.localtime(given.given_at).date()),
                feeling=given.feeling,
                prompted_by=prompt_label(given.prompted_by),
                needs_reply=given.needs_reply,
                replied=given.replied_at is not None,
            )
        )
        if seen is not None:
            seen.append(person.pk)
    return out


def words(
    viewer: User | None, authorities: list[Authority], start: dt.date, end: dt.date
) -> list[Feedback]:
    """The latest ``WORDS_SHOWN`` pieces of feedback with words given to the viewer's
    own teams, each read recorded on the person's audit trail (none for the command
    line, which has no page)."""
    if viewer is None:
        return []
    listed = list(_rows_of(authorities, start, end, viewer).exclude(words="")[:WORDS_SHOWN])
    audit_people(
        viewer,
        [f.person for f in listed],
        (),
        channel="web",
        what="user voice report: what people said",
    )
    return listed


# --- the page and the command's table ----------------------------------------------------


def _line(label: str, figures: Mapping[str, Any]) -> tuple[Any, ...]:
    share = figures["share_happy"]
    shown = "—" if share is None else (share if not _is_number(share) else f"{share}%")
    return (label, *(figures[f] for f in FEELINGS), figures["given"], shown)


def _is_number(value: Any) -> bool:
    return isinstance(value, str) and value.replace(".", "", 1).isdigit()


def page(
    authorities: list[Authority],
    dates: tuple[dt.date, ...],
    limit: int | None,
    *,
    viewer: User | None = None,
) -> dict[str, Any]:
    start, end = dates
    shown = disclose(summary(authorities, start, end, viewer=viewer), limit)
    data = shown.marked()
    return {
        "data": data,
        "start": start,
        "end": end,
        "feeling_labels": [FEELING_LABELS[f] for f in FEELINGS],
        "teams": [
            {
                "code": code,
                "name": team["name"],
                "lines": [_line(q, c) for q, c in team["by_quarter"].items()],
                "total": _line("All quarters", team),
            }
            for code, team in data["by_team"].items()
        ],
        "total": _line("All teams", data),
        "words": [
            {
                "feedback": f,
                "feeling": FEELING_LABELS[f.feeling],
                "prompt": prompt_label(f.prompted_by),
            }
            for f in words(viewer, authorities, start, end)
        ],
        "reads_words": bool(viewer is not None and _word_teams(viewer)),
        "words_shown": WORDS_SHOWN,
        "suppressed": bool(shown.small or shown.hidden),
        "limit": limit,
    }


def table(data: dict[str, Any]) -> list[Sequence[Any]]:
    """One line per team and quarter, then per team (quarter ``all``), then the total."""
    lines: list[Sequence[Any]] = [
        ("from", "to", "team", "quarter", *FEELINGS, "given", "share_happy")
    ]

    def line(team: str, quarter: str, figures: Mapping[str, Any]) -> None:
        lines.append(
            (
                data["from"],
                data["to"],
                team,
                quarter,
                *(figures[f] for f in FEELINGS),
                figures["given"],
                figures["share_happy"],
            )
        )

    for code, team in data["by_team"].items():
        for quarter, figures in team["by_quarter"].items():
            line(code, quarter, figures)
        line(code, "all", team)
    line("all", "all", data)
    return lines
