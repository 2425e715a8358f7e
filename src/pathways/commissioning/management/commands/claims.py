"""``pathways claims compute AUTHORITY CONTRACT_REF --from DATE --to DATE [--save]``
(spec/commissioning.md, "Claims").

Lists the outcomes achieved in the period that are not on a live claim line, priced
by the tariff, the lines past the budget cap marked and counting 0, then the total.
With ``--as`` the staff member's access applies (the contract must be one they see);
``--save`` stores the lines as a draft claim and needs ``--as`` naming a team manager
of the provider, who prepares it. Listing lines is a read of each person listed.
"""

from __future__ import annotations

import json
from typing import Any

from auditlog.context import set_actor
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pathways.commissioning import claims
from pathways.commissioning.claim_selectors import claim_lines
from pathways.commissioning.exports import COLUMNS, computed_rows, line_rows, rows_csv
from pathways.commissioning.models import Contract
from pathways.commissioning.outcomes import ZERO, claimable
from pathways.commissioning.policy import contract_policy
from pathways.core.audit import record_access_bulk
from pathways.core.command_options import date_option, staff_option
from pathways.core.errors import ActionRefused, PermissionDenied
from pathways.core.models import User
from pathways.core.money import money
from pathways.people.models import Person


class Command(BaseCommand):
    help = "Compute (and with --save, store as a draft) a contract's claim for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["compute"])
        parser.add_argument("authority", help="the commissioning authority's code")
        parser.add_argument("contract_ref", help="the contract's reference")
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD")
        parser.add_argument("--save", action="store_true", help="store the lines as a draft claim")
        parser.add_argument("--as", dest="as_email", help="staff member whose access applies")
        parser.add_argument("--format", choices=["json", "csv", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        viewer = staff_option(options["as_email"])
        if options["save"] and viewer is None:
            raise CommandError(
                "--save needs --as EMAIL: the provider's team manager who prepares the claim"
            )
        start = date_option(options["start"], "--from")
        end = date_option(options["end"], "--to")
        contract = self._contract(viewer, options["authority"], options["contract_ref"])
        try:
            claims.check_period(contract, start, end)
            with set_actor(viewer):
                if options["save"]:
                    data = self._save(viewer, contract, start, end)
                else:
                    data = self._compute(viewer, contract, start, end)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except (ActionRefused, PermissionDenied) as exc:
            raise CommandError(str(exc)) from exc
        self._write(data, options["format"])

    def _contract(self, viewer: User | None, authority: str, ref: str) -> Contract:
        """The contract, if the caller sees it; the same answer whether it exists or not."""
        rows = Contract.objects.select_related("provider", "authority").filter(
            authority__code=authority, contract_ref=ref
        )
        if viewer is not None:
            rows = contract_policy.visible(viewer, rows)
        contract = rows.first()
        if contract is None:
            raise CommandError(f"No contract {ref} of authority {authority} that you may see")
        return contract

    def _compute(self, viewer: User | None, contract: Contract, start: Any, end: Any) -> dict:
        found = claimable(contract, start, end)
        people = Person.objects.filter(pk__in={line.outcome.person_id for line in found.lines})
        record_access_bulk(
            viewer, people, channel="cli", what=f"claimable outcomes of {contract.contract_ref}"
        )
        return {
            "lines": computed_rows(found),
            "total": money(found.total),
            "over_cap": found.over_cap,
        }

    def _save(self, viewer: User | None, contract: Contract, start: Any, end: Any) -> dict:
        claim = claims.save_claim(viewer, contract, start, end, channel="cli")
        lines = claim_lines(viewer, claim, channel="cli")
        rows = [{c: row[c] for c in COLUMNS} for row in line_rows(lines)]
        counted = [line.price for line in lines if not line.over_cap]
        return {
            "claim": claim.pk,
            "lines": rows,
            "total": money(sum(counted, ZERO)),
            "over_cap": sum(1 for line in lines if line.over_cap),
        }

    def _write(self, data: dict, fmt: str) -> None:
        if fmt == "json":
            self.stdout.write(json.dumps(data, indent=2))
            return
        if fmt == "csv":
            self.stdout.write(rows_csv(data["lines"]), ending="")
            return
        table = [list(COLUMNS)] + [[_text(row[c]) for c in COLUMNS] for row in data["lines"]]
        widths = [max(len(r[i]) for r in table) for i in range(len(COLUMNS))]
        for row in table:
            self.stdout.write(
                "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
            )
        if "claim" in data:
            self.stdout.write(f"Saved as draft claim {data['claim']}")
        self.stdout.write(f"Total {data['total']} ({data['over_cap']} lines over the cap)")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
