"""An authority's own targets and the published comparators it wants beside its
figures (England's ASCOF value for a year, entered as data): recorded by its
commissioners and admins, read by the employment-rate report (the rates) and the
outcomes report (job starts).

A figure is for a financial year, named by its last day (31 March), the reporting date
the employment rate is asked for. Recording the same authority, measure, kind, year and
label again changes its value rather than adding a second figure.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from pathways.commissioning.models import AuthorityTarget, Measure, TargetKind
from pathways.commissioning.policy import COMMISSIONING_ROLES, target_policy
from pathways.core.errors import ActionRefused
from pathways.core.importing import (
    Change,
    Column,
    Context,
    Kind,
    Row,
    RowProblem,
    choice,
    date,
    fetch_by,
    plan_save,
    text_of,
)
from pathways.core.models import Authority
from pathways.core.policies import scope_of

#: The measures the employment-rate report shows beside its cohorts.
RATE_MEASURES = {
    Measure.EMPLOYMENT_RATE_LD: "learning_disability",
    Measure.EMPLOYMENT_RATE_MH: "secondary_mental_health",
}
REFUSAL = "Only the authority's commissioners and admins keep its targets."


def check_year_ending(day: dt.date) -> None:
    if (day.month, day.day) != (3, 31):
        raise ActionRefused(
            f"year_ending: {day.isoformat()} is not a 31 March (a financial year's last day)"
        )


def check_value(measure: str, value: Decimal) -> None:
    if value < 0:
        raise ActionRefused("value: must not be negative")
    if measure in RATE_MEASURES and value > 100:
        raise ActionRefused("value: a percentage must be 100 or less")


def may_keep(user: Any) -> bool:
    """Whether the user keeps any authority's figures (for a link to the page)."""
    scope = scope_of(user)
    return scope.is_superuser or bool(scope.authorities_for(*COMMISSIONING_ROLES))


# --- services ---------------------------------------------------------------------------


@transaction.atomic
def record_target(
    user: Any,
    authority: Authority,
    *,
    measure: str,
    kind: str,
    year_ending: dt.date,
    value: Decimal,
    label: str,
) -> AuthorityTarget:
    """Record (or change the value of) one of the authority's figures; audited by
    django-auditlog as any change."""
    target = AuthorityTarget(
        authority=authority,
        measure=measure,
        kind=kind,
        year_ending=year_ending,
        value=value,
        label=label.strip(),
    )
    # a new row has nothing to look up yet: the policy's rule for the authority decides
    scope = scope_of(user)
    if not (scope.is_superuser or target_policy.actions["change"](scope, user, target)):
        raise PermissionDenied(REFUSAL)
    if measure not in Measure.values:
        raise ActionRefused(f"measure: '{measure}' is not one of {', '.join(Measure.values)}")
    if kind not in TargetKind.values:
        raise ActionRefused(f"kind: '{kind}' is not one of {', '.join(TargetKind.values)}")
    if not target.label:
        raise ActionRefused("label: say what the figure is")
    check_year_ending(year_ending)
    check_value(measure, value)
    existing = (
        AuthorityTarget.objects.select_for_update()
        .filter(
            authority=authority,
            measure=measure,
            kind=kind,
            year_ending=year_ending,
            label=target.label,
        )
        .first()
    )
    if existing is not None:
        if existing.value != value:
            existing.value = value
            existing.save(update_fields=["value"])
        return existing
    target.save()
    return target


@transaction.atomic
def remove_target(user: Any, target: AuthorityTarget) -> None:
    target_policy.require(user, "change", target, refusal=REFUSAL, channel="web")
    target.delete()


# --- reads ------------------------------------------------------------------------------


def kept_by(
    user: Any,
    *,
    authority: str = "",
    measure: str = "",
    year_ending: dt.date | None = None,
) -> QuerySet[AuthorityTarget]:
    """The figures of the authorities the user keeps targets for (the page's list and
    the API's), of one authority (its code), measure or year when given."""
    rows = target_policy.visible(user, AuthorityTarget.objects.select_related("authority"))
    if authority:
        rows = rows.filter(authority__code=authority)
    if measure:
        rows = rows.filter(measure=measure)
    if year_ending is not None:
        rows = rows.filter(year_ending=year_ending)
    return rows


def _for_measures(
    authority_ids: Collection[int], measures: Collection[str], first: dt.date, last: dt.date
) -> list[AuthorityTarget]:
    return list(
        AuthorityTarget.objects.filter(
            authority_id__in=authority_ids,
            measure__in=list(measures),
            year_ending__gte=first,
            year_ending__lte=last,
        ).select_related("authority")
    )


def for_rates(
    authority_ids: Collection[int], first: dt.date, last: dt.date
) -> list[AuthorityTarget]:
    """The authorities' employment-rate figures for the financial years ending from
    ``first`` to ``last``, in one query (aggregate figures: readable by anyone who may
    see the report)."""
    return _for_measures(authority_ids, RATE_MEASURES, first, last)


def for_job_starts(
    authority_ids: Collection[int], first: dt.date, last: dt.date
) -> list[AuthorityTarget]:
    """The authorities' job-start figures for the financial years ending from ``first``
    to ``last``, in one query (for the outcomes report, as ``for_rates``)."""
    return _for_measures(authority_ids, [Measure.JOB_STARTS], first, last)


def as_json(targets: Iterable[AuthorityTarget]) -> list[dict[str, Any]]:
    return [
        {
            "authority": t.authority.code,
            "measure": t.measure,
            "cohort": RATE_MEASURES.get(Measure(t.measure)),
            "kind": t.kind,
            "year_ending": t.year_ending.isoformat(),
            "value": str(t.value),
            "label": t.label,
        }
        for t in targets
    ]


# --- import `targets` -------------------------------------------------------------------


def figure(raw: str) -> Decimal:
    """A figure as a decimal: ``6.1``, ``65``, ``1200.50``."""
    if not re.fullmatch(r"\d+(\.\d{1,2})?", raw):
        raise ValueError(f"'{raw}' is not a figure; write it like 6.1 (at most two decimals)")
    return Decimal(raw)


def _prepare(rows: list[Row], ctx: Context) -> None:
    codes = {r.values.get("authority") for r in rows} - {None}
    ctx.cache["targets"] = fetch_by(
        AuthorityTarget.objects.all(),
        "authority__code",
        codes,
        key=lambda t: (t.authority_id, t.measure, t.kind, t.year_ending, t.label),
    )


def _plan(row: Row, ctx: Context) -> Change:
    authority = ctx.authority(row["authority"])
    try:
        check_year_ending(row["year_ending"])
        check_value(row["measure"], row["value"])
    except ActionRefused as exc:
        column, message = exc.message.split(": ", 1)
        raise RowProblem(column, message) from exc
    key = {
        "authority": authority,
        "measure": row["measure"],
        "kind": row["kind"],
        "year_ending": row["year_ending"],
        "label": row["label"],
    }
    existing = ctx.cache["targets"].get(
        (authority.pk, row["measure"], row["kind"], row["year_ending"], row["label"])
    )
    return plan_save(AuthorityTarget, existing, lookup=key, fields={"value": row["value"]})


TARGETS = Kind(
    name="targets",
    title="Targets and comparators",
    summary="An authority's targets and the published figures it compares itself with, "
    "per financial year",
    model=AuthorityTarget,
    columns=(
        Column("authority", text_of(Authority, "code"), required=True),
        Column("measure", choice(Measure), required=True),
        Column("kind", choice(TargetKind), required=True),
        Column("year_ending", date, required=True),
        Column("value", figure, required=True),
        Column("label", text_of(AuthorityTarget, "label"), required=True),
    ),
    key=("authority", "measure", "kind", "year_ending", "label"),
    plan=_plan,
    prepare=_prepare,
)
