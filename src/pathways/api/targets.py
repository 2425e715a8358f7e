"""``/api/v1/targets``: an authority's targets and the published comparators it wants
beside its own figures, for a council's performance systems.

The same service and policy as the targets page and the ``targets`` import
(``commissioning.targets``): only the authority's commissioners and admins read or
record them; anyone else is refused with 403, as the page refuses them. Recording the
same authority, measure, kind, year and label again changes its value.

No ``from __future__ import annotations`` here: ninja reads the parameter types of a
``@paginate``d view from the decorator's module.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from pathways.api.common import REFUSALS, field_error
from pathways.api.pagination import PAGE_SIZE, NumberedPages
from pathways.api.schemas import ComponentName, Error, FieldErrors
from pathways.commissioning import targets
from pathways.commissioning.models import AuthorityTarget, Measure, TargetKind
from pathways.core.errors import ActionRefused
from pathways.core.models import Authority
from pathways.core.types import AuthedRequest

router = Router(tags=["targets"])

TargetMeasure = Annotated[Measure, ComponentName("TargetMeasure")]
TargetKindName = Annotated[TargetKind, ComponentName("TargetKind")]


class AuthorityTargetIn(Schema):
    authority: str = Field(description="The authority's code")
    measure: TargetMeasure
    kind: TargetKindName = Field(description="`target` (the authority's own) or `comparator`")
    year_ending: dt.date = Field(description="The financial year's last day, 31 March")
    value: Decimal = Field(
        description="A percentage for an employment rate, a number of job starts otherwise",
        max_digits=12,
        decimal_places=2,
    )
    label: str = Field(
        description="What the figure is, as the charts say it",
        examples=["England (ASCOF 1E)"],
        max_length=200,
    )


class AuthorityTargetOut(Schema):
    id: int
    authority: str = Field(description="The authority's code")
    measure: TargetMeasure
    kind: TargetKindName
    year_ending: dt.date
    value: str = Field(description="Two decimals", examples=["6.10"])
    label: str

    @staticmethod
    def resolve_authority(obj: AuthorityTarget) -> str:
        return obj.authority.code

    @staticmethod
    def resolve_value(obj: AuthorityTarget) -> str:
        return f"{obj.value:.2f}"


def _require_keeper(request: AuthedRequest) -> None:
    if not targets.may_keep(request.user):
        raise PermissionDenied(targets.REFUSAL)


@router.get(
    "/targets",
    response={200: list[AuthorityTargetOut], 401: Error, 403: Error, 422: FieldErrors},
    summary="The targets and comparators of the authorities the caller keeps them for",
)
@paginate(NumberedPages, page_size=PAGE_SIZE)
def list_targets(
    request: AuthedRequest,
    authority: str = "",
    measure: TargetMeasure | None = None,
    year_ending: dt.date | None = None,
) -> QuerySet[AuthorityTarget]:
    """By authority, measure, year and kind; filter by `authority` (a code), `measure`
    and `year_ending`. An authority the caller does not keep figures for lists none."""
    _require_keeper(request)
    return targets.kept_by(
        request.user,
        authority=authority.strip(),
        measure=measure.value if measure else "",
        year_ending=year_ending,
    )


@router.post(
    "/targets",
    response={200: AuthorityTargetOut, **REFUSALS},
    summary="Record a target or comparator, or change its value",
)
def record(request: AuthedRequest, payload: AuthorityTargetIn) -> AuthorityTarget:
    """The figure as recorded; the same authority, measure, kind, year and label again
    changes its value rather than adding a second figure."""
    _require_keeper(request)
    authority = Authority.objects.filter(code=payload.authority.strip()).first()
    if authority is None:
        raise field_error("authority", f"There is no authority with the code {payload.authority}.")
    try:
        return targets.record_target(
            request.user,
            authority,
            measure=payload.measure.value,
            kind=payload.kind.value,
            year_ending=payload.year_ending,
            value=payload.value,
            label=payload.label,
        )
    except ActionRefused as exc:  # "field: message", as the page shows it on its field
        field, _, message = exc.message.partition(": ")
        raise field_error(field, message) from exc
