"""The caseload report: per team and per worker, open cases against the cap, the
waiting list and how long people have waited, cases without contact, and returners
(people back for support after an earlier episode).

A case counts as "no contact in the last 30 days" when its last contact with the
person, or its start if none is recorded, is more than 30 days before the date — the
same rule the work queue uses, with the report's fixed 30 days.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce

from pathways.casework.models import Episode
from pathways.core.models import Membership, Team, User
from pathways.core.policies import CASEWORK_ROLES
from pathways.referrals.models import WAITING_STATUSES, Referral

NO_CONTACT_DAYS = 30


@dataclass
class WorkerLine:
    email: str
    name: str
    open_cases: int = 0
    no_contact: int = 0


@dataclass
class TeamLine:
    code: str
    name: str
    authority: str
    cap: int | None
    open_cases: int = 0
    no_contact: int = 0
    returners: int = 0
    waiting: int = 0
    median_days_waiting: float | None = None
    workers: list[WorkerLine] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "team": self.code,
            "name": self.name,
            "authority": self.authority,
            "cap": self.cap,
            "open_cases": self.open_cases,
            "waiting": self.waiting,
            "median_days_waiting": self.median_days_waiting,
            "no_contact_30_days": self.no_contact,
            "returners": self.returners,
            "workers": [
                {
                    "worker": w.email,
                    "name": w.name,
                    "open_cases": w.open_cases,
                    "cap": self.cap,
                    "no_contact_30_days": w.no_contact,
                }
                for w in self.workers
            ],
        }


def caseload(
    team_ids: frozenset[int] | None, on: dt.date, authority_codes: list[str] | None = None
) -> list[TeamLine]:
    """The report for these teams (None: all) on a date, in four queries (five when a
    leaver still holds cases)."""
    teams = Team.objects.select_related("authority").order_by("authority__name", "name")
    if team_ids is not None:
        teams = teams.filter(pk__in=team_ids)
    if authority_codes:
        teams = teams.filter(authority__code__in=authority_codes)
    lines = {t.pk: TeamLine(t.code, t.name, t.authority.code, t.caseload_cap) for t in teams}
    quiet = Q(contact__lt=on - dt.timedelta(days=NO_CONTACT_DAYS))
    cases = (
        Episode.objects.filter(team_id__in=lines, ended_on__isnull=True, started_on__lte=on)
        .annotate(contact=Coalesce("last_contact_on", "started_on"))
        .values("team_id", "worker_id")
        .annotate(
            open_cases=Count("pk"),
            no_contact=Count("pk", filter=quiet),
            returners=Count("pk", filter=Q(previous__isnull=False)),
        )
    )
    by_worker: dict[tuple[int, int | None], tuple[int, int]] = {}
    for c in cases:
        by_worker[(c["team_id"], c["worker_id"])] = (c["open_cases"], c["no_contact"])
        line = lines[c["team_id"]]
        line.open_cases += c["open_cases"]
        line.no_contact += c["no_contact"]
        line.returners += c["returners"]
    members = (
        Membership.objects.filter(team_id__in=lines, role__in=CASEWORK_ROLES)
        .annotate(email=F("user__email"), first=F("user__first_name"), last=F("user__last_name"))
        .values("team_id", "user_id", "email", "first", "last")
        .order_by("last", "first", "email")
        .distinct()
    )
    seen: set[tuple[int, int]] = set()
    for m in members:
        key = (m["team_id"], m["user_id"])
        if key in seen:
            continue
        seen.add(key)
        open_cases, no_contact = by_worker.get(key, (0, 0))
        lines[m["team_id"]].workers.append(
            WorkerLine(m["email"], f"{m['first']} {m['last']}".strip(), open_cases, no_contact)
        )
    # Cases still held by someone no longer in the team's caseload roles (a leaver).
    leavers = {k for k in by_worker if k not in seen and k[1] is not None}
    if leavers:
        users = User.objects.in_bulk({worker_id for _, worker_id in leavers})
        for team_id, worker_id in sorted(leavers):
            user = users[worker_id]
            lines[team_id].workers.append(
                WorkerLine(user.email, user.get_full_name(), *by_worker[(team_id, worker_id)])
            )
    waits: dict[int, list[int]] = {}
    for team_id, received_on in Referral.objects.filter(
        team_id__in=lines, status__in=WAITING_STATUSES, received_on__lte=on
    ).values_list("team_id", "received_on"):
        waits.setdefault(team_id, []).append((on - received_on).days)
    for team_id, days in waits.items():
        lines[team_id].waiting = len(days)
        lines[team_id].median_days_waiting = float(statistics.median(days))
    return list(lines.values())
