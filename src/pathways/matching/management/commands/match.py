"""``pathways match opportunity REF`` and ``pathways match cohort --authority CODE``:
the matching engine at the command line (README, "The command line")."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from pathways.core import audit
from pathways.core.command_options import date_option, staff_option
from pathways.core.models import Authority, User
from pathways.employers.opportunities.models import Opportunity
from pathways.employers.opportunities.policy import opportunity_policy
from pathways.matching import selectors
from pathways.people.models import Person
from pathways.people.policy import person_policy


class Command(BaseCommand):
    help = "Rank people for an opportunity, or allocate people to opportunities' places."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="opportunity|cohort")
        one = sub.add_parser("opportunity", help="rank the people who could take it")
        one.add_argument("opportunity_ref")
        one.add_argument("--top", type=int, default=10, help="how many (0: all; default 10)")
        cohort = sub.add_parser("cohort", help="assign people to places, best total score")
        cohort.add_argument("--authority", required=True, help="authority code")
        cohort.add_argument(
            "--opportunity",
            action="append",
            dest="opportunities",
            default=[],
            help="opportunity reference (repeatable; default: every open one)",
        )
        cohort.add_argument("--on", help="date the opportunities are open, YYYY-MM-DD")
        for p in (one, cohort):
            p.add_argument("--as", dest="as_email", help="staff member whose access applies")
            p.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        viewer = staff_option(options["as_email"])
        if options["what"] == "opportunity":
            self._opportunity(viewer, options)
        else:
            self._cohort(viewer, options)

    def _people(self, viewer: User | None) -> QuerySet[Person] | None:
        return None if viewer is None else person_policy.visible(viewer, Person.objects.all())

    def _opportunity(self, viewer: User | None, options: dict[str, Any]) -> None:
        if options["top"] < 0:
            raise CommandError("--top must be 0 (all) or more")
        qs = Opportunity.objects.select_related("authority")
        if viewer is not None:
            qs = opportunity_policy.visible(viewer, qs)
        opportunity = qs.filter(opportunity_ref=options["opportunity_ref"]).first()
        if opportunity is None:
            raise CommandError(f"No opportunity has the reference {options['opportunity_ref']}")
        matches = selectors.people_for(
            opportunity, self._people(viewer), top=options["top"] or None
        )
        self._audit(viewer, [m.person_id for m in matches])
        if options["format"] == "json":
            items = [
                {k: v for k, v in m.as_dict().items() if k != "opportunity_ref"} for m in matches
            ]
            self.stdout.write(json.dumps(items, indent=2, ensure_ascii=False))
            return
        if not matches:
            self.stdout.write(f"Nobody matches {opportunity.opportunity_ref} yet.")
            return
        for m in matches:
            self.stdout.write(f"{m.score:>3}  {m.person_ref}  {m.person_name}")
            for reason in m.reasons:
                self.stdout.write(f"       - {reason}")
            if m.benefits_note:
                self.stdout.write(f"       ! {m.benefits_note}")

    def _cohort(self, viewer: User | None, options: dict[str, Any]) -> None:
        authority = Authority.objects.filter(code=options["authority"]).first()
        if authority is None:
            raise CommandError(f"No authority has the code {options['authority']}")
        on = date_option(options["on"])
        if options["opportunities"]:
            refs = list(dict.fromkeys(options["opportunities"]))
            opportunities = Opportunity.objects.filter(opportunity_ref__in=refs)
            if viewer is not None:
                opportunities = opportunity_policy.visible(viewer, opportunities)
            found = dict(opportunities.values_list("opportunity_ref", "authority_id"))
            for ref in refs:
                if ref not in found:
                    raise CommandError(f"No opportunity has the reference {ref}")
                if found[ref] != authority.pk:
                    raise CommandError(f"Opportunity {ref} is offered to another authority")
        else:
            opportunities = selectors.open_opportunities(authority, on)
            if viewer is not None:
                opportunities = opportunity_policy.visible(viewer, opportunities)
        people = selectors.matchable_people(authority)
        if viewer is not None:
            people = person_policy.visible(viewer, people)
        allocation = selectors.allocate(people, opportunities)
        self._audit(viewer, [m.person_id for m in allocation.assignments])
        if options["format"] == "json":
            self.stdout.write(json.dumps(allocation.as_dict(), indent=2))
            return
        for m in allocation.assignments:
            self.stdout.write(
                f"{m.score:>3}  {m.person_ref:<12} {m.opportunity_ref:<12} {m.opportunity_title}"
            )
        self.stdout.write(
            f"total score {allocation.total_score}: {len(allocation.assignments)} placed, "
            f"{len(allocation.unplaced)} without a place"
        )

    def _audit(self, viewer: User | None, person_ids: list[int]) -> None:
        people = Person.objects.filter(pk__in=person_ids)
        audit.record_access_bulk(viewer, list(people), channel="cli", what="match results")
