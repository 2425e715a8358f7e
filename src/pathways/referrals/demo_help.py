"""The demo borough's requests for help from the public form: three new ones for the
intake officer to deal with, one of them from someone already on record (the same name
and date of birth), so the "Help requests" page shows a possible match."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from pathways.core.models import Authority
from pathways.people.models import Person
from pathways.referrals import notices
from pathways.referrals.models import CareAndSupport, HelpRequest


def load_help_requests(authority_code: str, today: dt.date) -> list[HelpRequest]:
    """Add the demo's new requests for help to the authority (received in the last few
    days), and tell its intake officers as the form would."""
    authority = Authority.objects.get(code=authority_code)
    now = timezone.now()
    known = Person.objects.filter(authority=authority, is_demo=True).order_by("pk").first()
    made = [
        HelpRequest(
            authority=authority,
            given_name="Jordan",
            family_name="Asante",
            email="jordan.asante@example.com",
            postcode="E15 4HT",
            wants="I would like a job in a kitchen or a cafe. I can work mornings.",
            care_and_support=CareAndSupport.YES,
            received_at=now - dt.timedelta(days=3, hours=2),
        ),
        HelpRequest(
            authority=authority,
            given_name="Priya",
            family_name="Natarajan",
            phone="07700 900461",
            date_of_birth=dt.date(today.year - 24, 6, 14),
            wants="Help to find work with animals. I get nervous at interviews.",
            care_and_support=CareAndSupport.DONT_KNOW,
            received_at=now - dt.timedelta(days=1, hours=5),
        ),
    ]
    if known is not None:
        made.append(
            HelpRequest(
                authority=authority,
                given_name=known.given_name,
                family_name=known.family_name,
                date_of_birth=known.date_of_birth,
                phone="07700 900118",
                wants="I had a job coach before. I want to try working again.",
                care_and_support=CareAndSupport.YES,
                received_at=now - dt.timedelta(hours=6),
            )
        )
    for help_request in made:
        help_request.save()
        notices.help_requested(help_request)
    return made
