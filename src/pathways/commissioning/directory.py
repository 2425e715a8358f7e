"""Keeping the provider directory (the market map): who offers which services, to
which need groups, in which authorities, with how many places.

Commissioners and admins keep it, each for the authorities they commission for: a
provider's authorities outside the keeper's remit are left as they were, so one
council cannot take a provider off another's map.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import TextChoices

from pathways.commissioning.models import Provider, Service
from pathways.commissioning.policy import COMMISSIONING_ROLES
from pathways.core.errors import ActionRefused, ConcurrentEdit, PermissionDenied
from pathways.core.models import Authority, Organisation
from pathways.core.policies import scope_of
from pathways.people.models import SupportReason


class FieldRefused(ActionRefused):
    """A rule refuses one field's value; ``field`` names it, so a form can put the
    message beside that field and an import beside that column."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.detail = detail


def commissioning_remit(user: Any) -> frozenset[int] | None:
    """The authorities this user commissions for (None: every one, a superuser)."""
    scope = scope_of(user)
    return None if scope.is_superuser else scope.authorities_for(*COMMISSIONING_ROLES)


def may_keep_directory(user: Any) -> bool:
    remit = commissioning_remit(user)
    return remit is None or bool(remit)


def _codes(field: str, values: Iterable[str], allowed: type[TextChoices]) -> list[str]:
    picked = list(dict.fromkeys(values))
    unknown = [v for v in picked if v not in allowed.values]
    if unknown:
        raise FieldRefused(
            field, f"'{unknown[0]}' is not one of: {', '.join(str(v) for v in allowed.values)}"
        )
    order = [str(v) for v in allowed.values]
    return [code for code in order if code in picked]


def record_provider(
    user: Any,
    *,
    organisation: Organisation,
    services: Sequence[str],
    authorities: Sequence[Authority],
    need_groups: Sequence[str] = (),
    places: int | None = None,
    accreditation: str = "",
    version: int | None = None,
) -> Provider:
    """Add the organisation to the directory, or change its entry (``version``: the one
    the keeper read, refused with ``ConcurrentEdit`` if someone changed it since)."""
    remit = commissioning_remit(user)
    if remit is not None and not remit:
        raise PermissionDenied("Only commissioners and administrators keep the provider directory.")
    service_codes = _codes("services", services, Service)
    if not service_codes:
        raise FieldRefused("services", "give at least one service the provider offers")
    groups = _codes("need_groups", need_groups, SupportReason)
    if not authorities:
        raise FieldRefused("authorities", "give at least one authority it works in")
    outside = [a for a in authorities if remit is not None and a.pk not in remit]
    if outside:
        raise FieldRefused(
            "authorities",
            f"you do not commission for {outside[0].name} ({outside[0].code})",
        )
    if places is not None and places < 0:
        raise FieldRefused("places", "must be a whole number of 0 or more")
    with transaction.atomic():
        provider = Provider.objects.select_for_update().filter(organisation=organisation).first()
        if provider is not None and version is not None and provider.version != version:
            raise ConcurrentEdit(
                f"Someone else changed {organisation.name}'s directory entry while you were "
                "editing it. Your changes were not saved: open it again to see theirs."
            )
        fields = {
            "services": service_codes,
            "need_groups": groups,
            "places": places,
            "accreditation": accreditation.strip(),
        }
        wanted = {a.pk for a in authorities}
        if provider is None:
            provider = Provider.objects.create(organisation=organisation, **fields)
            provider.authorities.set(wanted)
            return provider
        current = set(provider.authorities.values_list("pk", flat=True))
        kept = {a for a in current if remit is not None and a not in remit}
        changed = [name for name, value in fields.items() if getattr(provider, name) != value]
        if changed or current != wanted | kept:
            for name in changed:
                setattr(provider, name, fields[name])
            provider.version += 1
            provider.save(update_fields=[*changed, "version"])
            provider.authorities.set(wanted | kept)
        return provider
