"""The demo borough behind ``pathways demo``: Riverside, a fictional London council.

Everything is made through the same services staff use (``create_person``,
``create_referral``, ``accept_referral``, ``allocate``…), acting as the demo intake
officer and team manager, so that the permission checks run and the audit trail is the
one a real day would leave. Names, needs and dates come from a seeded random stream,
with dates counted back from today, so two loads on the same day are identical.

Around the people: the providers' employer lists (sites, contacts, an engagement log,
social-value pledges to the council), an opportunity of every kind, the demo
specialist's candidacies at every step of the pipeline, and the transition team's
Project SEARCH cohort at the hospital, its first rotation placed by the matching
engine.

Then three years of jobs (``JOBS``): what people did before they came to us, written as
history, and the jobs started in their support, recorded by their worker through the
employment services with the post-start checks, fading plans and coaching, Access to
Work, milestones found by the daily run and confirmed, and one person moving on to work
without support; with care costs that fall once people are in work. The only shortcut:
the post-start checks of jobs other than the demo specialist's people are ticked off in
one write.

The load is one transaction and happens once: when demo staff already exist the
database is left as it is. A database holding anything that is not demo data (a real
person or a real staff account) is refused, so the demo can never mix with live
records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from auditlog.context import set_actor
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from pathways.casework import services as casework_services
from pathways.casework.models import ActivityKind, EndReason, Episode, Package, Stage
from pathways.casework.profiles import save_profile
from pathways.core import audit
from pathways.core.models import Authority, Membership, Organisation, Role, Team, User
from pathways.core.notifications import quietly
from pathways.employers.candidacies import services as candidacy_services
from pathways.employers.candidacies.models import EMPLOYER_FACING
from pathways.employers.cohorts import services as cohort_services
from pathways.employers.engagement import services as engagement_services
from pathways.employers.models import (
    Candidacy,
    Employer,
    InternshipCohort,
    Opportunity,
    Rotation,
    SocialValuePledge,
)
from pathways.employers.opportunities import services as opportunity_services
from pathways.employers.pledges import services as pledge_services
from pathways.employment import services as employment_services
from pathways.employment.models import (
    MILESTONE_WEEKS,
    CheckKind,
    Milestone,
    Placement,
    PlacementTerms,
    PostStartCheck,
)
from pathways.employment.services import find_milestones
from pathways.matching import selectors as matching
from pathways.people import services as people_services
from pathways.people.models import CareCost, Condition, Consent, Person, SupportReason
from pathways.people.policy import person_policy
from pathways.referrals import services as referral_services
from pathways.referrals.models import Referral, Source
from pathways.workspace.demo_claims import load_claims
from pathways.workspace.demo_commissioning import load_commissioning
from pathways.workspace.demo_performance import load_parking
from pathways.workspace.demo_portal_feedback import load_feedback
from pathways.workspace.demo_purchases import load_purchases
from pathways.workspace.synthetic import FAMILY_NAMES, GIVEN_NAMES, Dice, birth_date, postcode

DEMO_PASSWORD = "pathways-demo-2026"
DEMO_URL = "http://127.0.0.1:8000/"
AUTHORITY_CODE = "E09000099"  # fictional: the real E09 codes stop at E09000033
AUTHORITY_NAME = "Riverside Borough Council"
SEED = 2026
EMAIL_DOMAIN = "riverside.example"


class DemoRefused(Exception):
    """The database holds real records; the message says what, in one line."""


@dataclass(frozen=True)
class SignIn:
    role: str
    name: str
    email: str
    teams: str


@dataclass
class LoadResult:
    """What ``load`` did: ``created`` is False when the demo was already there."""

    created: bool
    sign_ins: list[SignIn]
    counts: dict[str, int] = field(default_factory=dict)


# --- the borough -----------------------------------------------------------------------

ORGANISATIONS = {
    "council": (AUTHORITY_NAME, Organisation.Kind.COUNCIL),
    "nhs": ("Riverside and Thames NHS Foundation Trust", Organisation.Kind.NHS),
    "charity": ("Bridges to Work (Riverside)", Organisation.Kind.CHARITY),
    "social_enterprise": ("Riverside Futures CIC", Organisation.Kind.SOCIAL_ENTERPRISE),
}

#: key: (code, name, organisation, caseload cap)
TEAMS = {
    "front_door": ("RB-FD", "Employment Front Door", "council", None),
    "se": ("RB-SE", "Supported Employment Team", "council", 40),
    # A charity runs IPS and a social enterprise the supported internships, each under
    # a contract with the council (``demo_commissioning``).
    "ips": ("RB-IPS", "IPS Employment (Mental Health)", "charity", 20),
    "ypt": ("RB-YPT", "Young People in Transition", "social_enterprise", 25),
}
SERVICE_TEAMS = ("se", "ips", "ypt")

#: key: (local part of the email, given name, family name, [(team key, role)])
STAFF: dict[str, tuple[str, str, str, list[tuple[str, str]]]] = {
    "intake": (
        "intake",
        "Aisha",
        "Rahman",
        [(t, Role.INTAKE_OFFICER) for t in ("front_door", *SERVICE_TEAMS)],
    ),
    "manager": (
        "manager",
        "Daniel",
        "Okoye",
        [(t, Role.TEAM_MANAGER) for t in SERVICE_TEAMS],
    ),
    "se1": ("specialist", "Chloe", "Bennett", [("se", Role.EMPLOYMENT_SPECIALIST)]),
    "se2": ("specialist2", "Marcus", "Adeyemi", [("se", Role.EMPLOYMENT_SPECIALIST)]),
    "ips1": ("ips.specialist", "Hannah", "Kowalska", [("ips", Role.EMPLOYMENT_SPECIALIST)]),
    "ips2": ("ips.specialist2", "Ravi", "Patel", [("ips", Role.EMPLOYMENT_SPECIALIST)]),
    "ypt1": (
        "transition.specialist",
        "Sophie",
        "Nguyen",
        [("ypt", Role.EMPLOYMENT_SPECIALIST)],
    ),
    "approver": (
        "approver",
        "Gareth",
        "Lloyd",
        [(t, Role.PACKAGE_APPROVER) for t in SERVICE_TEAMS],
    ),
    "commissioner": (
        "commissioner",
        "Fatima",
        "Begum",
        [("front_door", Role.COMMISSIONER)],
    ),
    "dpo": ("dpo", "Jonathan", "Price", [("front_door", Role.DATA_PROTECTION_OFFICER)]),
    "admin": ("admin", "Elena", "Rossi", [("front_door", Role.ADMIN)]),
}

PACKAGE_REASONS = [
    "Wants paid work in retail; needs job coaching to learn the role.",
    "Ready to look for work; agreed a time-limited plan with the person and family.",
    "Needs help to find and keep a job that fits around appointments.",
    "Discussed options at the review; the person chose supported employment.",
]
STAGE_PLAN = [
    (Stage.VOCATIONAL_PROFILING, 10),
    (Stage.JOB_FINDING, 45),
    (Stage.EMPLOYER_ENGAGEMENT, 120),
]
CONTACT_NOTES = [
    ("meeting", 60, "Met at the library. Talked through interests and the kind of work wanted."),
    ("phone", 15, "Phoned to check how the week went; no concerns."),
    ("video", 30, "Video call with the person and their mum about travel to interviews."),
    ("home_visit", 45, "Home visit: worked on the CV together; added volunteering at the café."),
    ("interview_preparation", 60, "Practised interview questions; agreed to ask for a trial."),
    ("travel_training", 90, "Travel training on the 104 bus to the retail park."),
]

# --- the caseload ------------------------------------------------------------------------
#
# Each line is a group of people: the team first referred to, what happened, how many.
# "allocated:<staff key>" opens an episode with that worker; the IPS specialist ips1
# gets exactly the IPS team's cap (20), so the allocation page shows a full caseload.
# "returning" people had an earlier referral that was closed, and came back.

PLAN: tuple[tuple[str, str, int], ...] = (
    ("ips", "allocated:ips1", 20),
    ("ips", "allocated:ips2", 3),
    ("se", "allocated:se1", 6),
    ("se", "allocated:se2", 2),
    ("se", "allocated:se2:returning", 2),
    ("ypt", "allocated:ypt1", 3),
    ("se", "waiting", 6),
    ("ips", "waiting", 2),
    ("ypt", "waiting", 2),
    ("se", "received", 3),
    ("ypt", "received", 1),
    ("se", "declined", 2),
    ("ips", "declined", 1),
    ("se", "redirected:ypt:accept", 1),
    ("se", "redirected:ips:accept", 1),
    ("ips", "redirected:se:received", 1),
    ("se", "closed", 2),
    ("ips", "closed", 1),
    ("ypt", "closed", 1),
)

#: Days each waiting person has waited, in plan order (supported employment first): a
#: real, uneven waiting list. Two more wait after being redirected from another team.
WAITING_DAYS = (147, 121, 96, 82, 67, 58, 44, 23, 15, 4)
URGENT_REASON = (
    "An employer is holding a kitchen assistant post open until the end of the month; "
    "agreed at the annual review."
)

#: Routes other than the front door, shared out across the teams they usually reach.
SPECIAL_SOURCES = {
    "se": [Source.DWP, Source.SELF, Source.SUBSTANCE_MISUSE, Source.OTHER_PROVIDER, Source.OTHER],
    "ips": [Source.SECONDARY_MENTAL_HEALTH] * 5 + [Source.PRIMARY_CARE] * 2,
    "ypt": [Source.EDUCATION_TRANSITION] * 3,
}
FRONT_DOOR_MIX = (Source.SOCIAL_CARE_ASSESSMENT,) * 3 + (Source.ANNUAL_REVIEW,) * 2

DECLINE_REASONS = (
    "Not looking for work at present; would like to revisit at the next annual review.",
    "Lives in a neighbouring borough; referred to their home council's employment team.",
    "Already supported by a Connect to Work provider; no need for a second service.",
)
REDIRECT_REASONS = {
    "ypt": "Aged 17 with an EHC plan: the transition team is the right service.",
    "ips": "Under the community mental-health team: IPS is the evidence-based offer.",
    "se": "Mental health now stable; the main barrier is physical access to work.",
}
CLOSE_REASONS = (
    "Withdrew: starting a college course in September.",
    "Moved out of the borough.",
    "Found work without support before allocation.",
    "No reply to three contact attempts by phone, letter and text.",
)
RETURN_REASON = "Withdrew after a family bereavement; said they would come back when ready."

REFERRAL_NOTES = {
    "se": (
        "Wants part-time work, ideally mornings; has volunteered at a charity shop.",
        "Interested in warehouse or retail work; travels independently by bus.",
        "Raised work at the annual review; family supportive.",
        "",
    ),
    "ips": (
        "Keen to return to work; previously worked in hospitality.",
        "Care coordinator supports the referral; wants to start looking straight away.",
        "",
    ),
    "ypt": (
        "Leaving college in July; interested in a supported internship.",
        "EHC plan review recommends employment support.",
        "",
    ),
}

EASY_READ = "Easy read documents, please; short sentences, one idea at a time."
AUTISM_NEEDS = "Send an agenda in advance; a quiet room; text or email rather than phone calls."
MENTAL_HEALTH_NEEDS = "Prefers appointments after 11am; a text the day before."

#: Supported employment sees the whole range of needs; people rotate through these.
SE_PROFILES: tuple[dict[str, Any], ...] = (
    {
        "primary_support_reason": SupportReason.LEARNING_DISABILITY,
        "conditions": [Condition.LEARNING_DISABILITY],
        "long_term_support": True,
        "communication_needs": EASY_READ,
    },
    {
        "primary_support_reason": SupportReason.PHYSICAL,
        "conditions": [Condition.PHYSICAL],
        "reasonable_adjustments": "Step-free access; accessible toilet; sessions up to an hour.",
    },
    {
        "primary_support_reason": SupportReason.SOCIAL_OTHER,
        "conditions": [Condition.AUTISM],
        "communication_needs": AUTISM_NEEDS,
    },
    {
        "primary_support_reason": SupportReason.SENSORY,
        "conditions": [Condition.SENSORY],
        "communication_needs": "BSL interpreter for every meeting (book through the council).",
        "reasonable_adjustments": "Interpreter at interviews; written follow-up after calls.",
    },
    {
        "primary_support_reason": SupportReason.LEARNING_DISABILITY,
        "conditions": [Condition.LEARNING_DISABILITY, Condition.AUTISM],
        "long_term_support": True,
        "communication_needs": "Short sentences; check understanding; allow time to answer.",
    },
    {
        "primary_support_reason": SupportReason.MEMORY_COGNITION,
        "conditions": [Condition.ACQUIRED_BRAIN_INJURY],
        "communication_needs": "A written summary after each meeting; reminders the day before.",
        "reasonable_adjustments": "Breaks every 45 minutes; one task at a time.",
    },
    {
        "primary_support_reason": SupportReason.SUBSTANCE_MISUSE,
        "conditions": [Condition.SUBSTANCE_MISUSE],
    },
    {
        "primary_support_reason": SupportReason.SENSORY,
        "conditions": [Condition.SENSORY],
        "communication_needs": "Large print (18pt), or documents by email for a screen reader.",
        "reasonable_adjustments": "Documents in large print; a guided route to the meeting room.",
    },
)
NICKNAMES = {
    "Mohammed": "Mo",
    "Samuel": "Sam",
    "Joseph": "Joe",
    "Valentina": "Val",
    "Olamide": "Ola",
    "Oliver": "Ollie",
    "Agnieszka": "Aga",
    "Abdul": "Abdi",
}


@dataclass
class _Case:
    """One person in the plan and what happens to their referrals."""

    team: str
    outcome: str
    index: int
    source: str = ""
    person: Person | None = None
    referral: Referral | None = None

    @property
    def kind(self) -> str:
        return self.outcome.split(":")[0]


# --- refusal and loading ----------------------------------------------------------------


#: team key: (interests, kinds wanted, (fewest hours, most hours), own words, skills)
PROFILE_FITS: dict[
    str, tuple[tuple[str, ...], tuple[str, ...], tuple[int, int], tuple[str, ...], tuple[str, ...]]
] = {
    "se": (
        ("retail", "catering", "gardening", "animals", "recycling", "cleaning", "warehouse"),
        ("employed", "work_trial", "work_experience", "volunteering"),
        (8, 20),
        ("Likes being busy and tidy", "Wants to work with animals", "Would like a cafe job"),
        ("Careful and reliable; good at sorting", "Friendly with customers", "Strong and fit"),
    ),
    "ips": (
        ("admin", "customer_service", "digital", "driving", "warehouse", "construction", "care"),
        ("employed", "self_employed", "apprenticeship"),
        (12, 37),
        ("Wants to get back to office work", "Used to drive vans; would again", "Anything paid"),
        ("Ten years in retail management", "Forklift licence (lapsed)", "Good with computers"),
    ),
    "ypt": (
        ("digital", "music", "leisure", "hospitality", "libraries", "arts", "retail"),
        ("apprenticeship", "supported_internship", "work_experience", "employed"),
        (10, 30),
        ("Loves gaming and computers", "Wants to work at the leisure centre", "Into music"),
        ("Level 1 IT at college", "Helps at the youth club", "Good at drawing"),
    ),
}
SUPPORT_NEEDS = {
    "se": (
        "Written step-by-step instructions; a named person to ask",
        "Job carving; a quiet start",
    ),
    "ips": ("Flexible start times around appointments", "A phased return; regular check-ins"),
    "ypt": ("A mentor at work; clear routine", "Travel training for the first weeks"),
}
DISCLOSURES = {
    "se": ("Has a learning disability and will have a job coach", "Only that a job coach visits"),
    "ips": ("Nothing about their health without asking first", "That they have support from us"),
    "ypt": ("Is autistic; prefers written instructions", "Only that they have support from us"),
}
BENEFITS = (
    "Universal Credit (limited capability for work)",
    "PIP (daily living) and Universal Credit",
    "ESA (support group)",
    "No benefits; lives with family",
)


def _wants(
    interests: tuple[str, ...],
    kinds: tuple[str, ...],
    hours: tuple[int, int],
    km: int,
    paid_only: bool | None,
    notes: str,
    skills: str,
) -> dict[str, Any]:
    return {
        "interests": list(interests),
        "kinds": list(kinds),
        "min_hours": Decimal(hours[0]),
        "max_hours": Decimal(hours[1]),
        "max_travel_km": Decimal(km),
        "wants_paid_only": paid_only,
        "interests_notes": notes,
        "skills": skills,
    }


#: The demo specialist's people, in reference order: what each wants, written so that
#: the café and supermarket jobs rank them differently and each candidacy fits.
SPECIALIST_PROFILES: tuple[dict[str, Any], ...] = (
    _wants(
        ("gardening", "outdoors", "recycling"),
        ("apprenticeship", "employed"),
        (16, 30),
        8,
        True,
        "Wants to work outdoors; did a horticulture course at college years ago",
        "Strong and fit; careful with tools",
    ),
    _wants(
        ("customer_service", "recycling", "retail"),
        ("volunteering", "work_experience"),
        (6, 16),
        5,
        False,
        "Would like to volunteer in a charity shop to build up confidence first",
        "Friendly with customers; good at sorting",
    ),
    _wants(
        ("animals", "gardening", "retail"),
        ("employed", "volunteering", "work_experience"),
        (8, 16),
        10,
        None,
        "Loves animals; keeps tropical fish at home",
        "Patient and gentle; knows a lot about fish and plants",
    ),
    _wants(
        ("catering", "customer_service", "hospitality"),
        ("employed", "work_trial"),
        (12, 20),
        6,
        False,
        "Would like a café job; cooks for the family every weekend",
        "Food hygiene level 2 certificate; quick learner when shown",
    ),
    _wants(
        ("recycling", "retail", "warehouse"),
        ("employed",),
        (16, 24),
        12,
        True,
        "Likes sorting things and a tidy system; worked in a bus depot",
        "Careful and reliable; good at sorting",
    ),
    _wants(
        ("admin", "digital", "libraries"),
        ("employed", "self_employed", "work_experience"),
        (6, 16),
        8,
        None,
        "Good with computers; makes greetings cards and would like to sell them",
        "Level 1 IT; neat handwriting and drawing",
    ),
)

# --- employers --------------------------------------------------------------------------
#
# The supported employment team keeps the council's employer list; the transition team
# (Bridges to Work) keeps its own, with the hospital that hosts its Project SEARCH
# cohort. Each employer: who adds it, the organisation whose list it is on, its record,
# sites (with coordinates inside the borough, near the demo people), contacts and
# engagement log entries (kind, days ago, attendees, notes).


@dataclass(frozen=True)
class _Employer:
    key: str
    actor: str  # staff key
    organisation: str  # ORGANISATIONS key
    name: str
    sector: str
    size: str
    disability_confident: str = ""
    confident_days_ago: int | None = None
    website: str = ""
    notes: str = ""
    sites: tuple[tuple[str, str, str, str, str], ...] = ()  # name, address, postcode, lat, lon
    contacts: tuple[tuple[str, str, str, str], ...] = ()  # name, job title, email, phone
    engagements: tuple[tuple[str, int, int | None, str], ...] = ()


EMPLOYERS: tuple[_Employer, ...] = (
    _Employer(
        key="cafe",
        actor="se1",
        organisation="council",
        name="The Riverside Kitchen",
        sector="Hospitality",
        size="micro",
        disability_confident="committed",
        confident_days_ago=400,
        website="https://riverside-kitchen.example",
        notes="Community café; the owner offers work trials instead of interviews.",
        sites=(("Café", "2 Quay Walk", "E16 2QU", "51.508420", "0.030115"),),
        contacts=(("Rosa Costa", "Owner", "rosa@riverside-kitchen.example", "020 7946 0311"),),
        engagements=(
            ("meeting", 120, None, "Met the owner: open to a trial shift instead of interview."),
            ("vacancy", 40, None, "A kitchen assistant post for weekday lunchtimes."),
        ),
    ),
    _Employer(
        key="supermarket",
        actor="se1",
        organisation="council",
        name="Fairfield Foods, Riverside Retail Park",
        sector="Retail",
        size="large",
        disability_confident="employer",
        confident_days_ago=700,
        website="https://fairfield-foods.example",
        notes="Store manager champions inclusive recruitment; pledge from the retail park's "
        "planning agreement.",
        sites=(
            (
                "Riverside Retail Park store",
                "Unit 4, Riverside Retail Park",
                "E13 8NX",
                "51.526500",
                "0.016700",
            ),
        ),
        contacts=(
            (
                "Kemi Adebayo",
                "Store manager",
                "kemi.adebayo@fairfield-foods.example",
                "020 7946 0420",
            ),
            ("Liam Kelly", "People partner", "liam.kelly@fairfield-foods.example", ""),
        ),
        engagements=(
            ("meeting", 150, None, "Introduced supported employment and the planning pledge."),
            (
                "awareness_training",
                75,
                14,
                "Disability-awareness session for the morning shift team leaders.",
            ),
            ("adjustments", 30, None, "Access to Work: a job coach for the first six weeks."),
        ),
    ),
    _Employer(
        key="parks",
        actor="se2",
        organisation="council",
        name="Riverside Parks and Open Spaces",
        sector="Public sector",
        size="large",
        disability_confident="leader",
        confident_days_ago=500,
        notes="The council's own parks department: apprenticeships every September.",
        sites=(
            (
                "Thames Barrier Park depot",
                "North Woolwich Road",
                "E16 2HP",
                "51.502300",
                "0.032400",
            ),
            ("Riverside Park", "Park Lane", "E15 4QR", "51.548800", "0.006500"),
        ),
        contacts=(
            (
                "Tomasz Nowak",
                "Parks operations manager",
                "tomasz.nowak@riverside.example",
                "020 7946 0533",
            ),
        ),
        engagements=(
            ("meeting", 210, None, "Agreed to ring-fence one apprenticeship for our people."),
            ("vacancy", 60, None, "Horticulture apprenticeship and conservation volunteering."),
        ),
    ),
    _Employer(
        key="garden",
        actor="se1",
        organisation="council",
        name="Thameside Garden Centre",
        sector="Retail",
        size="small",
        disability_confident="committed",
        confident_days_ago=250,
        sites=(("Garden centre", "Marsh Lane", "E6 6LB", "51.520400", "0.058600"),),
        contacts=(("Priya Shah", "Manager", "priya@thameside-gardens.example", "020 7946 0641"),),
        engagements=(
            ("meeting", 95, None, "Walked round the pets and aquatics area; a part-time role."),
        ),
    ),
    _Employer(
        key="library",
        actor="se2",
        organisation="council",
        name="Riverside Libraries",
        sector="Public sector",
        size="medium",
        disability_confident="employer",
        confident_days_ago=900,
        notes="Hosts a monthly makers' market where local people sell what they make.",
        sites=(("Central Library", "1 Broadway", "E15 1NG", "51.541700", "0.002300"),),
        contacts=(
            (
                "Nia Mensah",
                "Library services manager",
                "nia.mensah@riverside.example",
                "020 7946 0712",
            ),
        ),
        engagements=(
            ("awareness_training", 110, 8, "Autism awareness for the front desk team."),
            ("meeting", 50, None, "Work experience on the front desk and the makers' market."),
        ),
    ),
    _Employer(
        key="warehouse",
        actor="se1",
        organisation="council",
        name="Quayside Distribution",
        sector="Logistics",
        size="medium",
        disability_confident="employer",
        confident_days_ago=3 * 365 - 20,  # renewal due within the month
        notes="Council waste and supplies contractor; social-value pledge in the contract.",
        sites=(("Returns centre", "Gallions Road", "E16 2QY", "51.513900", "0.071800"),),
        contacts=(
            ("Darius Popescu", "Shift manager", "d.popescu@quayside.example", "020 7946 0807"),
        ),
        engagements=(
            ("meeting", 90, None, "Contract social value: talked through supported jobs."),
            (
                "job_carving",
                65,
                None,
                "Job carving visit: watched the returns line and built a role from four tasks "
                "the pickers have least time for.",
            ),
        ),
    ),
    _Employer(
        key="charity_shop",
        actor="se2",
        organisation="council",
        name="Riverside Hospice Shop",
        sector="Charity",
        size="micro",
        sites=(("High Street shop", "48 High Street North", "E6 2JA", "51.535400", "0.051200"),),
        contacts=(("Grace Reid", "Shop manager", "", "020 7946 0915"),),
        engagements=(("meeting", 35, None, "Happy to take volunteers two mornings a week."),),
    ),
    _Employer(
        key="hospital",
        actor="ypt1",
        organisation="social_enterprise",
        name="Riverside and Thames NHS Foundation Trust",
        sector="Health",
        size="large",
        disability_confident="leader",
        confident_days_ago=600,
        website="https://riverside-thames-nhs.example",
        notes="Hosts our Project SEARCH programme at Riverside General Hospital.",
        sites=(("Riverside General Hospital", "Hospital Way", "E13 9QP", "51.529000", "0.035000"),),
        contacts=(
            (
                "Helen Ward",
                "Project SEARCH business liaison",
                "helen.ward@rtnhs.example",
                "020 7946 0101",
            ),
            ("Andrei Dimitrov", "Head of facilities", "andrei.dimitrov@rtnhs.example", ""),
        ),
        engagements=(
            ("meeting", 140, None, "Steering group: departments for this year's rotations."),
            (
                "awareness_training",
                70,
                22,
                "Disability-awareness training for the department mentors.",
            ),
        ),
    ),
)

NATIONAL_LIVING_WAGE = Decimal("12.71")
APPRENTICE_RATE = Decimal("8.00")


@dataclass(frozen=True)
class _Opening:
    """An opportunity for the borough's residents (days are counted from today)."""

    key: str
    employer: str
    title: str
    kind: str
    paid: bool
    hours: str
    tags: tuple[str, ...]
    opened_days_ago: int
    hourly_pay: Decimal | None = None
    places: int = 1
    site: int = 0
    closes_in_days: int | None = None
    instead_of_interview: bool = False
    carved_tasks: tuple[str, ...] = ()
    description: str = ""
    accessibility_notes: str = ""


OPENINGS: tuple[_Opening, ...] = (
    _Opening(
        "cafe_kitchen",
        "cafe",
        "Kitchen assistant (weekday lunchtimes)",
        "employed",
        True,
        "15",
        ("catering", "customer_service", "hospitality"),
        30,
        hourly_pay=NATIONAL_LIVING_WAGE,
        closes_in_days=21,
        description="Prepare salads and sandwiches, wash up, keep the kitchen tidy.",
        accessibility_notes="Step-free; a quiet break room.",
    ),
    _Opening(
        "cafe_trial",
        "cafe",
        "Front of house work trial",
        "work_trial",
        False,
        "12",
        ("catering", "customer_service", "hospitality"),
        45,
        closes_in_days=30,
        instead_of_interview=True,
        description="Two weeks of shifts instead of an interview; a job if it goes well.",
    ),
    _Opening(
        "shop_assistant",
        "supermarket",
        "Customer assistant (mornings)",
        "employed",
        True,
        "20",
        ("customer_service", "retail"),
        70,
        hourly_pay=NATIONAL_LIVING_WAGE,
        places=2,
        closes_in_days=14,
        description="Filling shelves, helping customers, some till work.",
    ),
    _Opening(
        "shop_trial",
        "supermarket",
        "Shelf-filling work trial",
        "work_trial",
        False,
        "16",
        ("retail", "warehouse"),
        45,
        closes_in_days=45,
        instead_of_interview=True,
    ),
    _Opening(
        "parks_apprentice",
        "parks",
        "Apprentice gardener (Level 2 horticulture)",
        "apprenticeship",
        True,
        "30",
        ("gardening", "outdoors"),
        60,
        hourly_pay=APPRENTICE_RATE,
        closes_in_days=10,
        description="Eighteen months: four days with the parks team, one at college.",
    ),
    _Opening(
        "parks_volunteer",
        "parks",
        "Conservation volunteer",
        "volunteering",
        False,
        "6",
        ("gardening", "outdoors", "recycling"),
        120,
        site=1,
        description="Tuesday mornings with the conservation team in Riverside Park.",
    ),
    _Opening(
        "garden_pets",
        "garden",
        "Pets and aquatics assistant",
        "employed",
        True,
        "12",
        ("animals", "gardening", "retail"),
        50,
        hourly_pay=NATIONAL_LIVING_WAGE,
        closes_in_days=28,
    ),
    _Opening(
        "library_desk",
        "library",
        "Front desk work experience",
        "work_experience",
        False,
        "8",
        ("customer_service", "digital", "libraries"),
        80,
        places=2,
        closes_in_days=60,
    ),
    _Opening(
        "makers_market",
        "library",
        "Stallholder at the Makers' Market",
        "self_employed",
        True,
        "6",
        ("arts", "customer_service", "retail"),
        90,
        description="A free stall on the first Saturday of the month to sell what you make; "
        "the library's enterprise adviser helps with registering as self-employed.",
    ),
    _Opening(
        "returns_carved",
        "warehouse",
        "Returns sorting assistant (carved role)",
        "employed",
        True,
        "20",
        ("recycling", "warehouse"),
        60,
        hourly_pay=Decimal("12.90"),
        places=2,
        closes_in_days=40,
        carved_tasks=(
            "Open returned parcels and check what is inside",
            "Sort items into bays by colour-coded label",
            "Scan sorted items back into stock",
            "Flatten and bale the cardboard",
        ),
        description="Built from the tasks the pickers have least time for; no picking "
        "targets, the same four tasks every shift.",
    ),
    _Opening(
        "hospice_volunteer",
        "charity_shop",
        "Shop volunteer: sorting donations",
        "volunteering",
        False,
        "8",
        ("customer_service", "recycling", "retail"),
        35,
    ),
)

#: The hospital departments interns rotate through: (title, tags, places, rotations).
DEPARTMENTS: tuple[tuple[str, tuple[str, ...], int, tuple[int, ...]], ...] = (
    ("Pharmacy stores", ("admin", "health", "warehouse"), 2, (1, 2)),
    ("Patient catering", ("catering", "health", "hospitality"), 2, (1, 2)),
    ("Medical records", ("admin", "digital", "health"), 2, (1, 2)),
    ("Estates and gardens", ("gardening", "health", "outdoors"), 1, (1,)),
    ("Linen and housekeeping", ("cleaning", "health"), 1, (1,)),
    ("Portering", ("customer_service", "health", "leisure"), 2, (2,)),
    ("Outpatients reception", ("admin", "customer_service", "health"), 2, (2,)),
)

#: The demo specialist's candidacies: (person's place in their caseload, opening, days
#: ago put forward, then each later step as (status, days ago, reason)). Employer-facing
#: steps need the person's consent to share with employers: recorded at the discussion.
#: Person 1 has withdrawn that consent, so their candidacy stops at "discussed".
CANDIDACIES: tuple[tuple[int, str, int, tuple[tuple[str, int, str], ...]], ...] = (
    (3, "cafe_kitchen", 2, ()),
    (5, "makers_market", 20, (("discussed", 12, ""),)),
    (1, "hospice_volunteer", 25, (("discussed", 18, ""),)),
    (0, "parks_apprentice", 40, (("discussed", 35, ""), ("applied", 9, ""))),
    (
        3,
        "cafe_trial",
        30,
        (("discussed", 27, ""), ("applied", 20, ""), ("interview", 4, "Trial shifts this week")),
    ),
    (
        2,
        "garden_pets",
        45,
        (
            ("discussed", 41, ""),
            ("applied", 33, ""),
            ("interview", 19, ""),
            ("offered", 3, "Offer of 12 hours; starts after the better-off check"),
        ),
    ),
    (
        4,
        "returns_carved",
        55,
        (
            ("discussed", 52, ""),
            ("applied", 48, ""),
            ("interview", 40, "Informal visit and a half-day trial"),
            ("offered", 33, ""),
            ("accepted", 28, "Starts on Mondays, Wednesdays and Fridays"),
        ),
    ),
    (
        4,
        "shop_assistant",
        65,
        (
            ("discussed", 62, ""),
            ("applied", 58, ""),
            ("interview", 51, ""),
            (
                "unsuccessful",
                46,
                "The store chose someone with till experience; the manager suggested a "
                "shelf-filling trial first",
            ),
        ),
    ),
    (
        5,
        "library_desk",
        75,
        (
            ("discussed", 70, ""),
            ("applied", 66, ""),
            ("withdrawn", 60, "Started a college IT course on the same days"),
        ),
    ),
)
NO_EMPLOYER_CONSENT = 1  # the specialist's person who said no to sharing with employers

# --- in work ----------------------------------------------------------------------------
#
# Three years of jobs, so that the employment-rate trend, the outcomes and the savings
# have a history: jobs people had before they came to us (found without support, never
# with checks or milestones) and jobs started in their current episode of support,
# recorded by their worker through the services, with the six post-start checks, a
# fading plan and coaching for some, Access to Work, milestones found by the daily run
# and confirmed by the worker. Days are counted back from today. A job is "in support"
# when the person's open episode had started by then; otherwise it is history.
#
# The demo specialist's people tell the in-work story of "My work": a job that started
# in the last fortnight (some checks done), one five weeks ago whose checks are overdue
# (the same person has not been contacted for weeks), a job that has just reached 13
# weeks (coaching fading on plan) and one at 26 weeks whose coaching has stalled above
# plan. The IPS specialist has a 52-week milestone to confirm.

_PersonKey = tuple[str, str, int]  # (team first referred to, PLAN outcome, index in group)


def _se1(i: int) -> _PersonKey:
    return ("se", "allocated:se1", i)


def _se2(i: int) -> _PersonKey:
    return ("se", "allocated:se2", i)


def _se2r(i: int) -> _PersonKey:
    return ("se", "allocated:se2:returning", i)


def _ips1(i: int) -> _PersonKey:
    return ("ips", "allocated:ips1", i)


def _ips2(i: int) -> _PersonKey:
    return ("ips", "allocated:ips2", i)


def _ypt1(i: int) -> _PersonKey:
    return ("ypt", "allocated:ypt1", i)


@dataclass(frozen=True)
class _Job:
    """One job in the demo's history (days are counted back from today)."""

    who: _PersonKey
    employer: str  # EMPLOYERS key
    title: str
    kind: str
    hours: str
    start: int
    paid: bool = True
    pay: Decimal | None = NATIONAL_LIVING_WAGE
    end: int | None = None
    end_reason: str = ""
    changes: tuple[tuple[int, str], ...] = ()  # (days ago, new hours a week)
    opening: str = ""  # OPENINGS key: started from the person's accepted candidacy
    start_at_closing: bool = False  # found work as the referral closed (start: days before)
    checks_left: tuple[str, ...] = ()  # post-start checks still to do
    fading: tuple[tuple[int, str], ...] = ()  # (from week, planned coaching hours)
    coaching: tuple[str, ...] = ()  # coaching hours given, week by week
    unconfirmed: tuple[int, ...] = ()  # milestones (weeks) the worker has still to confirm
    #: (status, what it funds, applied and decided: days after the start, award years)
    access_to_work: tuple[str, str, int | None, int | None, int | None] | None = None
    progression: bool = False  # support ends with the person still in this job


OLD_WAGE = Decimal("11.44")  # the National Living Wage two years back
EMPLOYED, VOLUNTEERING = "employed", "volunteering"

JOBS: tuple[_Job, ...] = (
    # Before support, or without it: the history behind the trend.
    _Job(
        _ips1(0),
        "supermarket",
        "Customer assistant",
        EMPLOYED,
        "20",
        1100,
        pay=OLD_WAGE,
        end=430,
        end_reason="health",
        changes=((800, "32"), (520, "16")),
    ),
    _Job(
        _ips1(7),
        "supermarket",
        "Security officer",
        EMPLOYED,
        "40",
        1150,
        pay=OLD_WAGE,
        end=330,
        end_reason="contract_ended",
    ),
    _Job(
        _ips1(16),
        "warehouse",
        "Van driver",
        EMPLOYED,
        "37.5",
        1000,
        pay=OLD_WAGE,
        end=600,
        end_reason="moved_job",
    ),
    _Job(
        _ips1(16),
        "supermarket",
        "Home delivery driver",
        EMPLOYED,
        "30",
        590,
        pay=OLD_WAGE,
        end=310,
        end_reason="resigned",
    ),
    _Job(
        _ips1(12),
        "library",
        "Library assistant",
        EMPLOYED,
        "15",
        950,
        pay=OLD_WAGE,
        end=200,
        end_reason="health",
    ),
    _Job(
        _ips1(5),
        "library",
        "Caretaker",
        EMPLOYED,
        "37",
        1080,
        pay=OLD_WAGE,
        end=250,
        end_reason="other",
    ),
    _Job(
        _ips1(13),
        "charity_shop",
        "Shop volunteer",
        VOLUNTEERING,
        "8",
        600,
        paid=False,
        pay=None,
        end=300,
        end_reason="other",
    ),
    _Job(
        ("ips", "waiting", 0),
        "cafe",
        "Kitchen porter",
        EMPLOYED,
        "24",
        800,
        pay=OLD_WAGE,
        end=150,
        end_reason="health",
    ),
    _Job(
        ("se", "redirected:ips:accept", 0),
        "hospital",
        "Porter",
        EMPLOYED,
        "37.5",
        1100,
        pay=OLD_WAGE,
        end=900,
        end_reason="dismissed",
    ),
    _Job(
        ("ips", "redirected:se:received", 0),
        "library",
        "Library assistant (Saturdays)",
        EMPLOYED,
        "7.5",
        500,
    ),
    _Job(
        ("ips", "closed", 0),
        "warehouse",
        "Warehouse operative",
        EMPLOYED,
        "37.5",
        4,
        start_at_closing=True,
    ),
    _Job(
        ("se", "received", 0),
        "hospital",
        "Linen porter",
        EMPLOYED,
        "10",
        1200,
        pay=OLD_WAGE,
        changes=((400, "16"),),
    ),
    _Job(
        ("se", "waiting", 2),
        "library",
        "Cleaner",
        EMPLOYED,
        "16",
        1000,
        pay=OLD_WAGE,
        end=180,
        end_reason="contract_ended",
        changes=((500, "12"),),
    ),
    _Job(
        _ypt1(0),
        "supermarket",
        "Saturday assistant",
        EMPLOYED,
        "8",
        900,
        pay=OLD_WAGE,
        end=420,
        end_reason="resigned",
    ),
    _Job(
        _ypt1(1),
        "cafe",
        "Weekend kitchen helper",
        EMPLOYED,
        "10",
        700,
        pay=OLD_WAGE,
        end=500,
        end_reason="contract_ended",
    ),
    _Job(
        ("ypt", "closed", 0),
        "garden",
        "Plants area assistant",
        EMPLOYED,
        "15",
        600,
        pay=OLD_WAGE,
        end=300,
        end_reason="resigned",
    ),
    _Job(
        _se2r(0),
        "parks",
        "Seasonal grounds assistant",
        EMPLOYED,
        "25",
        880,
        pay=OLD_WAGE,
        end=700,
        end_reason="contract_ended",
    ),
    _Job(
        _ips1(17),
        "library",
        "Office cleaner",
        EMPLOYED,
        "12",
        900,
        pay=OLD_WAGE,
        end=160,
        end_reason="resigned",
    ),
    _Job(
        _ips1(18),
        "hospital",
        "Healthcare assistant",
        EMPLOYED,
        "30",
        700,
        pay=OLD_WAGE,
        end=400,
        end_reason="health",
    ),
    _Job(
        _ips2(1),
        "supermarket",
        "Delivery driver",
        EMPLOYED,
        "37.5",
        1050,
        pay=OLD_WAGE,
        end=780,
        end_reason="dismissed",
    ),
    _Job(
        _ips2(0),
        "garden",
        "Sales assistant",
        EMPLOYED,
        "30",
        980,
        pay=OLD_WAGE,
        end=560,
        end_reason="moved_job",
        changes=((700, "22.5"),),
    ),
    _Job(
        ("ips", "waiting", 1),
        "cafe",
        "Barista",
        EMPLOYED,
        "20",
        450,
        pay=OLD_WAGE,
        end=200,
        end_reason="resigned",
    ),
    _Job(
        ("ypt", "waiting", 0),
        "cafe",
        "Café assistant (Saturdays)",
        EMPLOYED,
        "6",
        400,
        pay=OLD_WAGE,
    ),
    _Job(("ypt", "waiting", 1), "hospital", "Catering assistant", EMPLOYED, "12", 250),
    # In support: the demo specialist's people.
    _Job(
        _se1(0),
        "hospital",
        "Housekeeping assistant",
        EMPLOYED,
        "12",
        200,
        changes=((120, "18"),),
        fading=((1, "15"), (5, "10"), (9, "6"), (15, "3"), (23, "2")),
        coaching=(
            "15",
            "14",
            "15",
            "13",
            "10",
            "9",
            "10",
            "8",
            "6",
            "6",
            "5",
            "6",
            "5",
            "6",
            "3",
            "3",
            "2.5",
            "3",
            "3",
            "2",
            "3",
            "3",
            "2",
            "2",
            "2",
            "4.5",
            "4",
            "5",
        ),
        unconfirmed=(26,),
        access_to_work=("approved", "Job coach 6 hours a week and taxis to work", 5, 40, 3),
    ),
    _Job(
        _se1(1),
        "library",
        "Library assistant (front desk)",
        EMPLOYED,
        "16",
        94,
        fading=((1, "10"), (4, "6"), (7, "4"), (10, "2")),
        coaching=("9.5", "10", "8", "6", "5.5", "6", "4", "4.5", "3.5", "2", "2", "1.5", "2"),
        unconfirmed=(13,),
        access_to_work=(
            "approved",
            "A height-adjustable desk, a supportive chair and taxis to work on wet days",
            6,
            50,
            3,
        ),
    ),
    _Job(
        _se1(4),
        "warehouse",
        "",
        "",
        "",
        9,
        opening="returns_carved",
        checks_left=("benefits", "support_plan", "adjustments", "named_contact"),
        fading=((1, "12"), (3, "8"), (5, "5"), (9, "2")),
        coaching=("11",),
        access_to_work=("to_apply", "", None, None, None),
    ),
    _Job(
        _se1(5),
        "supermarket",
        "Trolley and car park assistant",
        EMPLOYED,
        "10",
        38,
        checks_left=("transport", "benefits", "support_plan", "adjustments", "named_contact"),
    ),
    # In support: the rest of supported employment and IPS.
    _Job(
        _se2(0),
        "warehouse",
        "Recycling operative",
        EMPLOYED,
        "30",
        210,
        end=100,
        end_reason="resigned",
    ),
    _Job(
        _se2(1), "library", "Stallholder at the Makers' Market", "self_employed", "6", 150, pay=None
    ),
    _Job(_se2r(0), "parks", "Conservation volunteer", VOLUNTEERING, "6", 60, paid=False, pay=None),
    _Job(
        _se2r(1),
        "hospital",
        "Ward clerk",
        EMPLOYED,
        "25",
        120,
        access_to_work=("applied", "", 40, None, None),
    ),
    _Job(
        _ips1(0),
        "cafe",
        "Barista",
        EMPLOYED,
        "16",
        300,
        access_to_work=("not_needed", "", None, None, None),
    ),
    _Job(
        _ips1(10),
        "warehouse",
        "Warehouse operative",
        EMPLOYED,
        "24",
        372,
        changes=((200, "32"),),
        unconfirmed=(52,),
        access_to_work=(
            "approved",
            "Mental Health Support Service: nine months of sessions with a workplace adviser",
            10,
            55,
            1,
        ),
    ),
    _Job(_ips1(3), "library", "Administrative assistant", EMPLOYED, "18.5", 180),
    _Job(
        _ips1(4),
        "supermarket",
        "Shelf filler",
        EMPLOYED,
        "20",
        230,
        end=120,
        end_reason="dismissed",
    ),
    _Job(_ips1(4), "hospital", "Kitchen porter", EMPLOYED, "20", 60),
    _Job(
        _ips1(8),
        "hospital",
        "Outpatients receptionist",
        EMPLOYED,
        "22.5",
        200,
        access_to_work=("refused", "", 15, 60, None),
    ),
    _Job(
        _ips1(13), "supermarket", "Night shelf filler", EMPLOYED, "30", 150, changes=((60, "24"),)
    ),
    _Job(_ips1(15), "parks", "Gardener", EMPLOYED, "16", 110),
    _Job(
        _ips1(11),
        "parks",
        "Apprentice groundsperson",
        "apprenticeship",
        "30",
        50,
        pay=APPRENTICE_RATE,
    ),
    _Job(
        _ips1(1), "hospital", "Way-finding volunteer", VOLUNTEERING, "6", 90, paid=False, pay=None
    ),
    _Job(_ips2(2), "garden", "Stock assistant", EMPLOYED, "20", 230, progression=True),
)

CHECK_NOTES = {
    "settled_in": "Settled in well; gets on with the team and knows who to ask.",
    "transport": "Travelling in on their own now; the route has worked every day.",
    "benefits": "Better-off calculation done; Universal Credit told about the earnings.",
    "support_plan": "Support plan agreed with the person and their supervisor.",
    "adjustments": "Adjustments agreed with the manager; Access to Work talked through.",
    "named_contact": "The supervisor is the named contact for anything unexpected.",
}
COACHING_NOTES = (
    "Job coaching on shift: went through the task list together.",
    "Coached at work; practised the new tasks until confident.",
    "On-the-job support, then a catch-up with the supervisor.",
    "Worked alongside on the busiest part of the shift.",
)
MILESTONE_EVIDENCE = (
    ("payslip", "Saw the latest payslip."),
    ("employer", "The manager confirmed by phone."),
    ("person", "Confirmed at our catch-up."),
)
PROGRESSION_NOTE = (
    "Settled and confident in the job; coaching has faded out and the manager is the "
    "named contact. Agreed together that support can end."
)


@dataclass
class _Planned:
    """A job of ``JOBS`` matched to its person; ``in_support`` when it starts in their
    open episode (recorded through the services by their worker)."""

    job: _Job
    person: Person
    start: dt.date
    in_support: bool
    placement: Placement | None = None


def refusal_reason() -> str | None:
    """Why the demo must not load here (real records present), or None when it may.

    Looks before migrating, so a fresh database (no tables yet) is fine.
    """
    tables = set(connection.introspection.table_names())
    if User._meta.db_table not in tables or Person._meta.db_table not in tables:
        return None
    real_people = Person.objects.filter(is_demo=False).count()
    real_staff = User.objects.filter(is_demo=False).count()
    if not (real_people or real_staff):
        return None
    found = []
    if real_people:
        found.append(f"{real_people} real {'person' if real_people == 1 else 'people'}")
    if real_staff:
        found.append(f"{real_staff} real staff account{'' if real_staff == 1 else 's'}")
    return (
        f"This database holds {' and '.join(found)}; pathways demo loads only into an "
        "empty or demo database (point DATABASE_URL at a new one)."
    )


def sign_ins() -> list[SignIn]:
    """The demo accounts, in the order of ``STAFF``."""
    role_labels = dict(Role.choices)
    out = []
    for local, given, family, memberships in STAFF.values():
        roles = list(dict.fromkeys(role_labels[r] for _, r in memberships))
        keys = [t for t, _ in memberships]
        teams = [TEAMS[t][1] for t in keys if t not in SERVICE_TEAMS]
        if set(SERVICE_TEAMS) <= set(keys):
            teams.append("every service team")
        else:
            teams += [TEAMS[t][1] for t in keys if t in SERVICE_TEAMS]
        out.append(
            SignIn(
                role=", ".join(roles),
                name=f"{given} {family}",
                email=f"{local}@{EMAIL_DOMAIN}",
                teams=", ".join(teams),
            )
        )
    return out


def counts() -> dict[str, int]:
    return {
        "people": Person.objects.filter(is_demo=True).count(),
        "staff": User.objects.filter(is_demo=True).count(),
        "referrals": Referral.objects.filter(person__is_demo=True).count(),
        "employers": Employer.objects.filter(
            organisation__name__in=[name for name, _ in ORGANISATIONS.values()]
        ).count(),
        "opportunities": Opportunity.objects.filter(authority__code=AUTHORITY_CODE).count(),
        "candidacies": Candidacy.objects.filter(person__is_demo=True).count(),
        "placements": Placement.objects.filter(person__is_demo=True).count(),
    }


def load(today: dt.date | None = None) -> LoadResult:
    """Load the demo borough unless it is already there. Raises DemoRefused on real data."""
    reason = refusal_reason()
    if reason:
        raise DemoRefused(reason)
    if User.objects.filter(is_demo=True).exists():
        return LoadResult(created=False, sign_ins=sign_ins(), counts=counts())
    # The borough's past tells nobody: its notices are stored as read, never emailed.
    with transaction.atomic(), quietly():
        _Loader(today or timezone.localdate()).run()
    return LoadResult(created=True, sign_ins=sign_ins(), counts=counts())


Step = Callable[[dt.date], None]

#: Steps that apps above the workspace add to the demo (the person's portal registers
#: its accounts in its ``ready``), run last, in order, inside the load's transaction.
EXTRA_STEPS: list[Step] = []
#: Lines those apps add to what ``pathways demo`` prints (how to sign in as a person).
EXTRA_NOTES: list[Callable[[], list[str]]] = []


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Loader:
    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.rng = Dice(SEED)
        self.teams: dict[str, Team] = {}
        self.staff: dict[str, User] = {}
        self.se_count = -1  # rotates supported-employment people through SE_PROFILES
        self.employer_records: dict[str, Employer] = {}  # by EMPLOYERS key
        self.openings: dict[str, Opportunity] = {}  # by OPENINGS key
        self.jobs: list[_Planned] = []  # JOBS, matched to people
        self.first_jobs: dict[int, dt.date] = {}  # first job start in support, by person id

    def ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def run(self) -> None:
        self.borough()
        cases = self.plan()
        intake = self.staff["intake"]
        with set_actor(intake):
            for n, case in enumerate(cases):
                case.person = people_services.create_person(
                    intake,
                    authority=self.teams["se"].authority,
                    person_ref=f"RB{10001 + n}",
                    is_demo=True,
                    confirmed=True,  # a script asks nobody (decision 0036)
                    **self.person_fields(case),
                )
            self.circles_of_support(cases)
        self.referrals(cases)
        self.plan_jobs(cases)  # before the casework: a job start ends the stages before it
        self.casework()
        self.page_views(cases)
        self.profiles()  # the dice it rolls change nothing made before
        self.employers()  # needs the profiles: candidacies keep their match scores
        self.cohort()
        self.in_work()  # needs the employers and the accepted candidacies
        self.care_after_work()
        load_commissioning(self.staff["commissioner"], self.teams, self.today)
        load_claims(self.today, AUTHORITY_CODE)  # a year of claims on those contracts
        load_parking(self.today)  # the IPS provider's figures raise a parking flag
        load_purchases(AUTHORITY_CODE, self.today, self.staff["se1"])
        load_feedback(AUTHORITY_CODE, self.today)  # the user voice report, a year of it
        for step in EXTRA_STEPS:
            step(self.today)

    # --- who works where ---------------------------------------------------------------

    def borough(self) -> None:
        authority, _ = Authority.objects.get_or_create(
            code=AUTHORITY_CODE, defaults={"name": AUTHORITY_NAME}
        )
        orgs = {
            key: Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]
            for key, (name, kind) in ORGANISATIONS.items()
        }
        for key, (code, name, org, cap) in TEAMS.items():
            self.teams[key], _ = Team.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "authority": authority,
                    "organisation": orgs[org],
                    "caseload_cap": cap,
                },
            )
        password = make_password(DEMO_PASSWORD)  # hashed once: the same for every account
        for key, (local, given, family, memberships) in STAFF.items():
            user = User.objects.create(
                email=f"{local}@{EMAIL_DOMAIN}",
                first_name=given,
                last_name=family,
                password=password,
                is_demo=True,
            )
            for team_key, role in memberships:
                Membership.objects.create(user=user, team=self.teams[team_key], role=role)
            self.staff[key] = user

    # --- people ------------------------------------------------------------------------

    def plan(self) -> list[_Case]:
        """The cases of ``PLAN``, each with the route their referral came by."""
        cases = [
            _Case(team=team, outcome=outcome, index=i)
            for team, outcome, count in PLAN
            for i in range(count)
        ]
        special = {team: list(sources) for team, sources in SPECIAL_SOURCES.items()}
        seen: dict[str, int] = {}
        for case in cases:
            n = seen[case.team] = seen.get(case.team, -1) + 1
            # Every third person came by another route; the rest through the
            # employment-first front door (new assessments and annual reviews).
            if n % 3 == 1 and special[case.team]:
                case.source = special[case.team].pop(0)
            else:
                case.source = self.rng.pick(FRONT_DOOR_MIX)
        return cases

    def person_fields(self, case: _Case) -> dict[str, Any]:
        rng = self.rng
        given, family = rng.pick(GIVEN_NAMES), rng.pick(FAMILY_NAMES)
        fields: dict[str, Any] = {
            "given_name": given,
            "family_name": family,
            "preferred_name": NICKNAMES.get(given, ""),
            "postcode": postcode(rng),
            "latitude": Decimal(f"{51.50 + rng.random() * 0.06:.6f}"),
            "longitude": Decimal(f"{-0.01 + rng.random() * 0.09:.6f}"),
            "phone": f"07700 900{rng.between(0, 999):03d}",
            "email": f"{given}.{family}{rng.between(1, 99)}@example.com".lower()
            if rng.random() < 0.5
            else "",
        }
        fields.update(self.needs(case))
        return fields

    def needs(self, case: _Case) -> dict[str, Any]:
        """Needs that fit the team the person belongs with: mental health for IPS, young
        people with EHC plans for transition, the whole range for supported employment."""
        rng, team = self.rng, case.team
        if case.kind == "redirected":
            team = case.outcome.split(":")[1]
        if team == "ips":
            conditions = [Condition.MENTAL_HEALTH]
            if case.index % 6 == 2:
                conditions.append(Condition.SUBSTANCE_MISUSE)
            if case.index % 7 == 3:
                conditions.append(Condition.AUTISM)
            return {
                "date_of_birth": birth_date(rng, self.today, rng.between(19, 64)),
                "primary_support_reason": SupportReason.MENTAL_HEALTH,
                "conditions": conditions,
                "secondary_mental_health": True,
                "long_term_support": case.index % 3 == 0,
                "communication_needs": MENTAL_HEALTH_NEEDS if case.index % 4 == 0 else "",
            }
        if team == "ypt":
            autistic = case.index % 2 == 1
            # The newest referral is 16, just past compulsory school; the one redirected
            # here from supported employment is 17.
            age = {"received": 16, "redirected": 17}.get(case.kind) or rng.between(18, 24)
            return {
                "date_of_birth": birth_date(rng, self.today, age),
                "primary_support_reason": SupportReason.LEARNING_DISABILITY,
                "conditions": [Condition.LEARNING_DISABILITY]
                + ([Condition.AUTISM] if autistic else []),
                "ehc_plan": True,
                "long_term_support": True,
                "communication_needs": AUTISM_NEEDS if autistic else EASY_READ,
            }
        self.se_count += 1
        fields = dict(SE_PROFILES[self.se_count % len(SE_PROFILES)])
        fields.setdefault("long_term_support", rng.random() < 0.4)
        # The oldest person on the list is 66: employment support has no upper age.
        age = 66 if case.kind == "waiting" and case.index == 0 else rng.between(18, 63)
        if case.kind == "redirected":  # from IPS: mental health history, physical need
            fields["conditions"] = [Condition.PHYSICAL, Condition.MENTAL_HEALTH]
            fields["primary_support_reason"] = SupportReason.PHYSICAL
            fields["secondary_mental_health"] = True
        fields["date_of_birth"] = birth_date(rng, self.today, age)
        return fields

    def circles_of_support(self, cases: list[_Case]) -> None:
        """Contacts, consents and care-cost history for some people, as records have."""
        intake, rng = self.staff["intake"], self.rng
        relations = {
            "ypt": ("mother", "father", "college tutor"),
            "ips": ("care coordinator", "sister", "partner"),
            "se": ("mother", "advocate", "social worker", "brother"),
        }
        professionals = {"care coordinator", "social worker", "advocate", "college tutor"}
        for n, case in enumerate(cases):
            person = case.person
            assert person is not None
            if n % 3 == 0:
                relationship = rng.pick(relations[case.team])
                family = rng.pick(FAMILY_NAMES) if relationship in professionals else None
                people_services.add_contact(
                    intake,
                    person,
                    name=f"{rng.pick(GIVEN_NAMES)} {family or person.family_name}",
                    relationship=relationship,
                    phone=f"020 7946 0{rng.between(0, 999):03d}",
                    notes="" if family else "Happy to be contacted about work.",
                )
            if n % 2 == 0:
                given_on = self.ago(rng.between(60, 500))
                scopes = [Consent.Scope.SHARE_WITH_PROVIDERS, Consent.Scope.SHARE_WITH_EMPLOYERS]
                if case.team == "ips":
                    scopes.append(Consent.Scope.SHARE_WITH_HEALTH)
                if case.team == "ypt":
                    scopes.append(Consent.Scope.CONTACT_FAMILY)
                if n % 8 == 0:
                    scopes.append(Consent.Scope.SHARE_WITH_DWP)
                for scope in scopes:
                    people_services.record_consent(
                        intake, person, scope=scope, given=True, given_on=given_on
                    )
                if n % 10 == 4:  # a change of mind is a new row; the history stays
                    people_services.record_consent(
                        intake,
                        person,
                        scope=Consent.Scope.SHARE_WITH_EMPLOYERS,
                        given=False,
                        given_on=given_on + dt.timedelta(days=30),
                        notes="Wants to tell employers about their condition themselves.",
                    )
            if person.long_term_support and n % 3 != 2:
                weekly = Decimal(rng.between(180, 620))
                CareCost.objects.create(
                    person=person, effective_from=self.ago(730), weekly_cost=weekly
                )
                CareCost.objects.create(
                    person=person,
                    effective_from=self.ago(365),
                    weekly_cost=weekly + Decimal(rng.between(0, 40)),
                )
                if case.kind == "allocated" and n % 2 == 1:  # in work, needing less care
                    CareCost.objects.create(
                        person=person,
                        effective_from=self.ago(rng.between(20, 120)),
                        weekly_cost=(weekly * Decimal("0.7")).quantize(Decimal("0.01")),
                    )

    # --- referrals, through the front door's services -----------------------------------

    def referrals(self, cases: list[_Case]) -> None:
        """Lay out every case's dated steps, then play them in date order, so references
        and the audit trail read as the months went by."""
        rng = self.rng
        steps: list[tuple[dt.date, int, Step]] = []

        def at(day: dt.date, step: Step) -> None:
            steps.append((min(day, self.today), len(steps), step))

        waiting_days = iter(WAITING_DAYS)
        for n, case in enumerate(cases):
            _, *rest = case.outcome.split(":")
            if case.kind == "allocated":
                received = self.ago(rng.between(45, 420))
                if rest[1:] == ["returning"]:
                    earlier = received - dt.timedelta(days=rng.between(500, 700))
                    at(earlier, self.refer(case, source=Source.ANNUAL_REVIEW))
                    at(earlier + dt.timedelta(days=12), self.close(case, RETURN_REASON))
                    case.source = Source.SELF  # they came back by themselves
                accepted = received + dt.timedelta(days=rng.between(1, 7))
                at(received, self.refer(case))
                at(accepted, self.accept(case))
                at(accepted + dt.timedelta(rng.between(7, 60)), self.allocate(case, rest[0]))
            elif case.kind == "waiting":
                received = self.ago(next(waiting_days))
                at(received, self.refer(case))
                at(received + dt.timedelta(days=3), self.accept(case))
            elif case.kind == "received":
                at(self.ago(rng.between(0, 9)), self.refer(case))
            elif case.kind == "declined":
                received = self.ago(rng.between(20, 200))
                at(received, self.refer(case))
                at(received + dt.timedelta(days=5), self.decline(case))
            elif case.kind == "closed":
                received = self.ago(rng.between(20, 200))
                at(received, self.refer(case))
                at(received + dt.timedelta(days=3), self.accept(case))
                reason = CLOSE_REASONS[n % len(CLOSE_REASONS)]
                at(received + dt.timedelta(days=rng.between(10, 15)), self.close(case, reason))
            elif case.kind == "redirected":
                to_team, then = rest
                received = self.ago(rng.between(20, 40) if then == "accept" else 9)
                at(received, self.refer(case))
                at(received + dt.timedelta(days=4), self.redirect(case, to_team))
                if then == "accept":
                    at(received + dt.timedelta(days=6), self.accept(case))
        for day, _, step in sorted(steps, key=lambda s: (s[0], s[1])):
            step(day)
        self.mark_urgent(cases)

    def refer(self, case: _Case, source: str = "") -> Step:
        def step(day: dt.date) -> None:
            intake = self.staff["intake"]
            assert case.person is not None
            with set_actor(intake):
                case.referral = referral_services.create_referral(
                    intake,
                    person=case.person,
                    team=self.teams[case.team],
                    source=source or case.source,
                    received_on=day,
                    notes=self.rng.pick(REFERRAL_NOTES[case.team]),
                    confirmed=True,
                )

        return step

    def accept(self, case: _Case) -> Step:
        def step(day: dt.date) -> None:
            intake = self.staff["intake"]
            assert case.referral is not None
            with set_actor(intake):
                case.referral = referral_services.accept_referral(intake, case.referral, on=day)

        return step

    def decline(self, case: _Case) -> Step:
        def step(day: dt.date) -> None:
            intake = self.staff["intake"]
            assert case.referral is not None
            reason = DECLINE_REASONS[case.index % len(DECLINE_REASONS)]
            if case.team == "ips":
                reason = DECLINE_REASONS[2]
            with set_actor(intake):
                case.referral = referral_services.decline_referral(
                    intake, case.referral, reason=reason, on=day
                )

        return step

    def close(self, case: _Case, reason: str) -> Step:
        def step(day: dt.date) -> None:
            intake = self.staff["intake"]
            assert case.referral is not None
            with set_actor(intake):
                case.referral = referral_services.close_referral(
                    intake, case.referral, reason=reason, on=day
                )

        return step

    def redirect(self, case: _Case, to_team: str) -> Step:
        def step(day: dt.date) -> None:
            intake = self.staff["intake"]
            assert case.referral is not None
            with set_actor(intake):
                case.referral = referral_services.redirect_referral(
                    intake,
                    case.referral,
                    to_team=self.teams[to_team],
                    reason=REDIRECT_REASONS[to_team],
                    on=day,
                )

        return step

    def allocate(self, case: _Case, worker: str) -> Step:
        def step(day: dt.date) -> None:
            manager = self.staff["manager"]
            assert case.referral is not None
            with set_actor(manager):
                referral_services.allocate(
                    manager, case.referral, worker=self.staff[worker], on=day
                )

        return step

    def mark_urgent(self, cases: list[_Case]) -> None:
        """The manager moves one person up the supported employment waiting list."""
        manager = self.staff["manager"]
        waiting = [c for c in cases if c.team == "se" and c.kind == "waiting"]
        case = waiting[-1]
        assert case.referral is not None
        with set_actor(manager):
            case.referral = referral_services.set_urgent(
                manager, case.referral, urgent=True, reason=URGENT_REASON
            )

    # --- casework: packages, stages and the timeline ---------------------------------

    def casework(self) -> None:
        """Give every open episode a package, stages and contacts, laid out so that the
        work queue has something due today: a two-year limit near and one passed, a
        long-term review due, a change awaiting approval, people not contacted lately."""
        approver = self.staff["approver"]
        specialist = self.staff["se1"]
        episodes = sorted(
            Episode.objects.filter(ended_on__isnull=True).select_related("worker", "team"),
            key=lambda e: (e.worker_id != specialist.pk, e.pk),
        )
        for n, episode in enumerate(episodes):
            worker = episode.worker
            assert worker is not None
            with set_actor(worker):
                self.stages(episode, worker)
                self.contacts(episode, worker, lapsed=n % 7 == 5)
                package = self.package(episode, worker, n)
            with set_actor(approver):
                casework_services.approve_package(
                    approver, package, on=package.proposed_on, reason="Agreed at panel"
                )
            if n == 4:  # a change the approver has still to decide
                with set_actor(worker):
                    casework_services.propose_package(
                        worker,
                        episode,
                        work_entry=False,
                        supported_element="long_term",
                        reason="Needs support for as long as the job lasts",
                        on=self.today,
                    )
            began = package.element_started_on
            if package.is_long_term and n != 2 and began and began < self.ago(150):
                with set_actor(worker):  # reviewed on time
                    casework_services.record_review(
                        worker,
                        episode,
                        reviewed_on=self.ago(self.rng.between(20, 150)),
                        support_still_right=True,
                        notes="Settled; support still needed twice a month.",
                    )

    def package(self, episode: Episode, worker: User, n: int) -> Package:
        """The package the worker proposed; scenarios 0-3 set the clock for the queue."""
        start = episode.started_on
        transitional, long_term = "transitional", "long_term"
        if n == 0:  # the two-year limit is 40 days away
            element, began = transitional, self.ago(730 - 40)
        elif n == 1:  # the limit passed five days ago with no decision
            element, began = transitional, self.ago(730 + 5)
        elif n in (2, 3):  # long-term support; scenario 2 has never been reviewed
            element, began = long_term, min(start, self.ago(200))
        elif episode.team.code == TEAMS["ips"][0]:  # IPS support is time-unlimited
            element, began = long_term, start
        else:
            element, began = transitional, start
        return casework_services.propose_package(
            worker,
            episode,
            work_entry=n % 2 == 0,
            supported_element=element,
            element_started_on=began,
            reason=self.rng.pick(PACKAGE_REASONS),
            on=start,
        )

    def stages(self, episode: Episode, worker: User) -> None:
        first_job = self.first_jobs.get(episode.person_id)
        for stage, after in STAGE_PLAN:
            day = episode.started_on + dt.timedelta(days=after)
            if day >= self.today or (first_job is not None and day >= first_job):
                break
            casework_services.change_stage(worker, episode, stage=stage, on=day)

    def contacts(self, episode: Episode, worker: User, *, lapsed: bool) -> None:
        """A first meeting, then fortnightly contact; ``lapsed`` stops 5-8 weeks ago."""
        start = episode.started_on
        last = self.ago(self.rng.between(35, 56)) if lapsed else self.ago(self.rng.between(1, 20))
        days = [start + dt.timedelta(days=2)]
        while days[-1] + dt.timedelta(days=14) < last:
            days.append(days[-1] + dt.timedelta(days=14))
        if last > days[-1]:
            days.append(last)
        for day in days[-6:] if len(days) > 6 else days:
            if day > self.today:
                continue
            kind, minutes, note = self.rng.pick(CONTACT_NOTES)
            casework_services.record_activity(
                worker,
                episode,
                kind=kind,
                occurred_on=day,
                with_whom="person",
                minutes=minutes,
                notes=note,
            )

    def profiles(self) -> None:
        """About two in three people with an open episode have a vocational profile,
        filled in by their worker, that fits their team and their needs. Everyone the
        demo specialist and the transition specialist work with has one: the demo
        specialist's from ``SPECIALIST_PROFILES``, so that their matches and
        candidacies tell a story; the transition team's people all want the supported
        internship their cohort runs."""
        rng = self.rng
        featured = {self.staff["se1"].pk, self.staff["ypt1"].pk}
        episodes = Episode.objects.filter(ended_on__isnull=True).select_related(
            "worker", "team", "person"
        )
        written = {
            ref: SPECIALIST_PROFILES[i % len(SPECIALIST_PROFILES)]
            for i, ref in enumerate(self.specialist_people())
        }
        for n, episode in enumerate(episodes.order_by("pk")):
            if n % 3 == 2 and episode.worker_id not in featured:  # not profiled yet
                continue
            worker, person = episode.worker, episode.person
            assert worker is not None
            team = next(k for k, v in TEAMS.items() if v[0] == episode.team.code)
            interests, kinds, (low, high), notes, skills = PROFILE_FITS.get(
                team, PROFILE_FITS["se"]
            )
            picked = sorted({rng.pick(interests) for _ in range(rng.between(1, 3))})
            ips, ypt = team == "ips", team == "ypt"
            wanted = sorted({rng.pick(kinds) for _ in range(2)})
            if ypt:  # the cohort's interns chose the internship
                wanted = sorted({"supported_internship", *wanted})
            fewest = rng.between(low, low + 4)
            most = rng.between(max(fewest + 4, (low + high) // 2), high)
            km = Decimal(rng.between(5, 15) if ypt else rng.between(2, 15))
            fields: dict[str, Any] = {
                "interests": picked,
                "interests_notes": rng.pick(notes),
                "kinds": wanted,
                "wants_paid_only": True
                if ips
                else rng.pick((False, None) if ypt else (True, False, None)),
                "min_hours": Decimal(fewest),
                "max_hours": Decimal(most),
                "max_travel_km": km,
                "skills": rng.pick(skills),
            }
            fields.update(written.get(person.person_ref, {}))
            km = fields["max_travel_km"]
            adjustments = person.reasonable_adjustments or rng.pick(SUPPORT_NEEDS[team])
            with set_actor(worker):
                save_profile(
                    worker,
                    person,
                    **fields,
                    travel_modes=sorted({rng.pick(("walk", "bus", "train", "lift"))}),
                    travel_training_needed=None if ips else km > 5 and rng.random() < 0.5,
                    support_needs=adjustments,
                    disclosure=rng.pick(DISCLOSURES[team]),
                    benefits_situation=rng.pick(BENEFITS),
                    better_off_calculation_on=(
                        self.ago(rng.between(10, 120)) if rng.random() < 0.6 else None
                    ),
                )

    def specialist_people(self) -> list[str]:
        """The demo specialist's caseload, by reference."""
        return sorted(
            Episode.objects.filter(worker=self.staff["se1"], ended_on__isnull=True).values_list(
                "person__person_ref", flat=True
            )
        )

    def page_views(self, cases: list[_Case]) -> None:
        """A few reads of records, one of them refused, so that the data protection
        officer's pages have something to show from the first sign-in."""
        by_worker: dict[str, list[Person]] = {}
        for case in cases:
            if case.kind == "allocated" and case.person is not None:
                by_worker.setdefault(case.outcome.split(":")[1], []).append(case.person)
        for key, people in by_worker.items():
            for person in people[:2]:
                audit.record_access(
                    self.staff[key], person, channel="web", remote_addr="10.20.0.14"
                )
        # A transition specialist opens an IPS client's record: not their team's person.
        audit.record_access(
            self.staff["ypt1"],
            by_worker["ips1"][0],
            channel="web",
            outcome=audit.DENIED,
            remote_addr="10.20.0.31",
        )

    # --- employers, opportunities and candidacies ------------------------------------

    def employers(self) -> None:
        """The employer lists, with sites, contacts and engagement logs; two pledges to
        the council; an opportunity of every kind; and the demo specialist's
        candidacies at every step, each scored by the matching engine when suggested."""
        for spec in EMPLOYERS:
            actor = self.staff[spec.actor]
            organisation = self.teams[
                {"council": "se", "social_enterprise": "ypt"}[spec.organisation]
            ]
            with set_actor(actor):
                employer = engagement_services.create_employer(
                    actor,
                    organisation.organisation,
                    name=spec.name,
                    sector=spec.sector,
                    size=spec.size,
                    website=spec.website,
                    disability_confident=spec.disability_confident,
                    disability_confident_on=(
                        self.ago(spec.confident_days_ago)
                        if spec.confident_days_ago is not None
                        else None
                    ),
                    relationship_owner=actor,
                    notes=spec.notes,
                )
                for name, address, code, lat, lon in spec.sites:
                    engagement_services.add_site(
                        actor,
                        employer,
                        name=name,
                        address=address,
                        postcode=code,
                        latitude=Decimal(lat),
                        longitude=Decimal(lon),
                    )
                for name, title, email, phone in spec.contacts:
                    engagement_services.add_contact(
                        actor, employer, name=name, job_title=title, email=email, phone=phone
                    )
                for kind, days, attendees, notes in sorted(spec.engagements, key=lambda e: -e[1]):
                    engagement_services.record_engagement(
                        actor,
                        employer,
                        kind=kind,
                        occurred_on=self.ago(days),
                        attendees=attendees,
                        notes=notes,
                    )
            self.employer_records[spec.key] = employer
        self.pledges()
        for n, opening in enumerate(sorted(OPENINGS, key=lambda o: -o.opened_days_ago), start=1):
            employer = self.employer_records[opening.employer]
            actor = self.staff[next(e.actor for e in EMPLOYERS if e.key == opening.employer)]
            with set_actor(actor):
                self.openings[opening.key] = opportunity_services.create_opportunity(
                    actor,
                    employer,
                    tags=opening.tags,
                    opportunity_ref=f"RB-OPP-{n:03d}",
                    authority=self.teams["se"].authority,
                    site=list(employer.sites.order_by("pk"))[opening.site],
                    title=opening.title,
                    kind=opening.kind,
                    paid=opening.paid,
                    hours_per_week=Decimal(opening.hours),
                    hourly_pay=opening.hourly_pay,
                    confirmed=True,
                    places=opening.places,
                    description=opening.description,
                    accessibility_notes=opening.accessibility_notes,
                    instead_of_interview=opening.instead_of_interview,
                    carved_tasks=list(opening.carved_tasks),
                    opened_on=self.ago(opening.opened_days_ago),
                    closes_on=(
                        self.today + dt.timedelta(days=opening.closes_in_days)
                        if opening.closes_in_days is not None
                        else None
                    ),
                )
        self.candidacies()

    def pledges(self) -> None:
        """Two social-value pledges to the council for this municipal year: the
        supermarket's (planning agreement) is kept, the warehouse's (contract) is not
        yet."""
        authority = self.teams["se"].authority
        specialist = self.staff["se1"]
        pledges = (
            (
                "supermarket",
                "Three supported opportunities a year for Riverside residents",
                SocialValuePledge.Source.PLANNING,
                "Planning agreement 24/01187/FUL",
                3,
                200,
                165,
            ),
            (
                "warehouse",
                "Four supported jobs or work trials over the contract year",
                SocialValuePledge.Source.CONTRACT,
                "Waste and supplies contract RBC-2025-114",
                4,
                120,
                245,
            ),
        )
        with set_actor(specialist):
            for key, description, source, reference, target, began, ends in pledges:
                pledge_services.add_pledge(
                    specialist,
                    self.employer_records[key],
                    authority=authority,
                    description=description,
                    source=source,
                    source_reference=reference,
                    target=target,
                    starts_on=self.ago(began),
                    ends_on=self.today + dt.timedelta(days=ends),
                )

    def candidacies(self) -> None:
        """Candidacies at every step for the demo specialist's people, oldest first.
        An employer-facing step needs consent to share with employers: when there is
        none, the person gave it at the discussion before. One person said no, and
        their candidacy waits at "discussed"."""
        specialist = self.staff["se1"]
        people = {
            p.person_ref: p for p in Person.objects.filter(person_ref__in=self.specialist_people())
        }
        caseload = [people[ref] for ref in sorted(people)]
        refused = caseload[NO_EMPLOYER_CONSENT]
        with set_actor(specialist):
            if candidacy_services.employer_consent(refused, self.today) is not None:
                people_services.record_consent(
                    specialist,
                    refused,
                    scope=Consent.Scope.SHARE_WITH_EMPLOYERS,
                    given=False,
                    given_on=self.ago(30),
                    notes="Wants to tell employers about their condition themselves.",
                )
            for index, key, put_days, steps in sorted(CANDIDACIES, key=lambda c: -c[2]):
                person, opportunity = caseload[index % len(caseload)], self.openings[key]
                on = self.ago(put_days)
                candidacy = candidacy_services.put_forward(
                    specialist,
                    person,
                    opportunity,
                    on=on,
                    score=self.score(person, opportunity),
                    reason="Came up in the matches for this opportunity.",
                )
                for status, days, reason in steps:
                    day = self.ago(days)
                    if (
                        status in EMPLOYER_FACING
                        and candidacy_services.employer_consent(person, day) is None
                    ):
                        people_services.record_consent(
                            specialist,
                            person,
                            scope=Consent.Scope.SHARE_WITH_EMPLOYERS,
                            given=True,
                            given_on=candidacy.status_on,
                            notes=f"Agreed when we talked about {opportunity.title.lower()}.",
                        )
                    candidacy = candidacy_services.move_candidacy(
                        specialist, candidacy, status=status, on=day, reason=reason
                    )

    def score(self, person: Person, opportunity: Opportunity) -> int | None:
        """The person's match score for the opportunity (None when a hard rule says
        no, as when a worker puts someone forward for something they did not ask for)."""
        found = matching.people_for(opportunity, Person.objects.filter(pk=person.pk))
        return found[0].score if found else None

    # --- the Project SEARCH cohort ----------------------------------------------------

    def cohort(self) -> None:
        """The transition team's Project SEARCH cohort at the hospital for this academic
        year: the young people aged 16 to 24 with an EHC plan the team works with are
        its interns; rotation 1 (which began five weeks before this Monday) is placed by
        the matching engine's allocation; rotation 2 is dated but not yet allocated."""
        specialist = self.staff["ypt1"]
        team = self.teams["ypt"]
        host = self.employer_records["hospital"]
        monday = self.today - dt.timedelta(days=self.today.weekday())
        first = monday - dt.timedelta(weeks=5)
        rotations = [
            (first, first + dt.timedelta(weeks=11, days=4)),
            (first + dt.timedelta(weeks=13), first + dt.timedelta(weeks=24, days=4)),
        ]
        year = first.year if first.month >= 9 else first.year - 1
        site = host.sites.get()
        departments: dict[int, list[Opportunity]] = {1: [], 2: []}
        # Aged 16 to 24 today: born on or before the 16th birthday, after the 25th.
        youngest_born, oldest_born = _years_before(self.today, 16), _years_before(self.today, 25)
        with set_actor(specialist):
            for n, (title, tags, places, used_in) in enumerate(DEPARTMENTS, start=1):
                department = opportunity_services.create_opportunity(
                    specialist,
                    host,
                    tags=tags,
                    opportunity_ref=f"RB-PS-{n:03d}",
                    authority=team.authority,
                    site=site,
                    title=f"Project SEARCH: {title}",
                    kind="supported_internship",
                    paid=False,
                    hours_per_week=Decimal(20),
                    places=places,
                    description="A 10 to 12 week rotation with a mentor from the department.",
                    opened_on=first - dt.timedelta(weeks=6),
                    closes_on=first + dt.timedelta(weeks=40),
                )
                for number in used_in:
                    departments[number].append(department)
            interns = person_policy.visible(
                specialist,
                Person.objects.filter(
                    authority=team.authority,
                    ehc_plan=True,
                    date_of_birth__gt=oldest_born,
                    date_of_birth__lte=youngest_born,
                ),
            ).order_by("person_ref")
            cohort = cohort_services.create_cohort(
                specialist,
                team,
                host,
                name=f"Project SEARCH at {site.name}",
                programme=InternshipCohort.Programme.PROJECT_SEARCH,
                academic_year=f"{year}-{(year + 1) % 100:02d}",
                interns=list(interns),
            )
            made: list[Rotation] = []
            for number, (starts, ends) in enumerate(rotations, start=1):
                made.append(
                    cohort_services.add_rotation(
                        specialist,
                        cohort,
                        starts_on=starts,
                        ends_on=ends,
                        opportunities=departments[number],
                    )
                )
            plan = matching.allocate(cohort.interns.all(), made[0].opportunities.all())
            by_id = {p.pk: p for p in cohort.interns.all()}
            department_of = {o.pk: o for o in departments[1]}
            cohort_services.place_interns(
                specialist,
                made[0],
                [
                    (by_id[m.person_id], department_of[m.opportunity_id], m.score)
                    for m in plan.assignments
                ],
            )

    # --- in work: jobs, in-work support and their history -------------------------------

    def plan_jobs(self, cases: list[_Case]) -> None:
        """Match ``JOBS`` to the people and their open episodes, before the casework: an
        episode's stages stop where its first job in support starts (the job start moves
        it on to in-work support)."""
        people = {(c.team, c.outcome, c.index): c for c in cases}
        episodes = {
            e.person_id: e
            for e in Episode.objects.filter(ended_on__isnull=True).only("person", "started_on")
        }
        for job in JOBS:
            case = people[job.who]
            person = case.person
            assert person is not None
            start = self.ago(job.start)
            if job.start_at_closing:  # found work just before the referral was closed
                assert case.referral is not None and case.referral.decided_on is not None
                start = case.referral.decided_on - dt.timedelta(days=job.start)
            episode = episodes.get(person.pk)
            in_support = episode is not None and episode.started_on <= start
            self.jobs.append(_Planned(job, person, start, in_support))
            if in_support:
                first = self.first_jobs.get(person.pk)
                self.first_jobs[person.pk] = min(first, start) if first else start

    def in_work(self) -> None:
        """Play every job's dated steps in date order, as the days went by: starts,
        changes of hours, ends; for jobs in support the checks, fading plan, coaching,
        Access to Work, the daily run finding milestones each week and the worker
        confirming them, and one person moving on to work without support."""
        steps: list[tuple[dt.date, int, int, Callable[[], object]]] = []

        def at(day: dt.date, order: int, step: Callable[[], object]) -> None:
            if day <= self.today:
                steps.append((day, order, len(steps), step))

        episodes = {
            e.person_id: e
            for e in Episode.objects.filter(ended_on__isnull=True).select_related("worker")
        }
        rng = self.rng
        ticked: list[tuple[_Planned, str, dt.date, User]] = []
        for planned in self.jobs:
            job, start = planned.job, planned.start
            at(start, 0, partial(self.start_job, planned, episodes.get(planned.person.pk)))
            for days, hours in job.changes:
                day = self.ago(days)
                at(day, 1, partial(self.change_job, planned, day, Decimal(hours)))
            if job.end is not None:
                day = self.ago(job.end)
                at(day, 4, partial(self.end_job, planned, day))
            if not planned.in_support:
                continue
            episode = episodes[planned.person.pk]
            worker = episode.worker
            assert worker is not None
            for kind in CheckKind.values:
                if kind not in job.checks_left:
                    day = min(self.today, start + dt.timedelta(days=rng.between(1, 10)))
                    if worker == self.staff["se1"]:
                        at(day, 2, partial(self.check, planned, kind, day, worker))
                    else:
                        ticked.append((planned, kind, day, worker))
            if job.fading:
                day = min(self.today, start + dt.timedelta(days=2))
                at(day, 2, partial(self.fading, planned, worker))
            for week, hours in enumerate(job.coaching):
                minutes = int(Decimal(hours) * 60)
                sessions = -(-minutes // 450)  # up to a whole shift alongside
                for n in range(sessions):
                    day = start + dt.timedelta(days=7 * week + 2 * n)
                    share = minutes // sessions + (minutes % sessions if n == 0 else 0)
                    at(day, 3, partial(self.coach, episode, day, share))
            if job.access_to_work:
                self.access_to_work(planned, worker, at)
            for weeks in MILESTONE_WEEKS:
                reached = start + dt.timedelta(weeks=weeks)
                ended = job.end is not None and self.ago(job.end) < reached
                if weeks in job.unconfirmed or ended:
                    continue
                day = reached + dt.timedelta(days=7 + rng.between(1, 9))
                at(
                    day,
                    6,
                    partial(
                        self.confirm, planned, weeks, day, worker, rng.pick(MILESTONE_EVIDENCE)
                    ),
                )
            if job.progression:
                ends = max(episode.last_contact_on or start, self.ago(21))
                at(ends, 7, partial(self.progression, episode, ends))
        # The daily run finds each milestone within a week of it: as if run weekly up to
        # today, but only on the weeks it finds something (and today).
        runs = {self.today}
        for planned in self.jobs:
            for weeks in MILESTONE_WEEKS if planned.in_support else ():
                reached = planned.start + dt.timedelta(weeks=weeks)
                if reached <= self.today:
                    runs.add(self.ago((self.today - reached).days // 7 * 7))
        for day in runs:
            at(day, 5, partial(find_milestones, day))
        for _, _, _, step in sorted(steps, key=lambda s: s[:3]):
            step()
        self.tick_checks(ticked)

    def tick_checks(self, ticked: list[tuple[_Planned, str, dt.date, User]]) -> None:
        """Everyone else's post-start checks, done in the job's first days, in one write:
        the services tick them one by one for the demo specialist's people, whose checks
        the demo is about; doing so for all would make the load a second slower."""
        done = {
            (planned.placement.pk, kind): (day, worker)
            for planned, kind, day, worker in ticked
            if planned.placement is not None
        }
        checks = list(
            PostStartCheck.objects.filter(placement__in={pk for pk, _ in done}).order_by("pk")
        )
        for check in checks:
            if (check.placement_id, check.kind) in done:
                check.done_on, check.done_by = done[(check.placement_id, check.kind)]
                check.notes = CHECK_NOTES[check.kind]
        PostStartCheck.objects.bulk_update(checks, ["done_on", "done_by", "notes"])

    def start_job(self, planned: _Planned, episode: Episode | None) -> None:
        job, person = planned.job, planned.person
        employer = self.employer_records[job.employer]
        pay = job.pay if job.paid else None
        if not planned.in_support:  # history: what the person told us, no support
            placement = Placement.objects.create(
                authority_id=person.authority_id,
                placement_ref="pending",
                person=person,
                employer=employer,
                job_title=job.title,
                kind=job.kind,
                paid=job.paid,
                start_date=planned.start,
                hours_per_week=Decimal(job.hours),
                hourly_pay=pay,
                supported=False,
            )
            placement.placement_ref = f"PL{placement.pk:06d}"
            placement.save(update_fields=["placement_ref"])
            PlacementTerms.objects.create(
                placement=placement,
                effective_from=planned.start,
                hours_per_week=placement.hours_per_week,
                hourly_pay=pay,
            )
            planned.placement = placement
            return
        assert episode is not None and episode.worker is not None
        worker = episode.worker
        candidacy = None
        if job.opening:
            candidacy = Candidacy.objects.get(person=person, opportunity=self.openings[job.opening])
        with set_actor(worker):
            planned.placement = employment_services.record_job_start(
                worker,
                person,
                start_date=planned.start,
                employer=None if candidacy else employer,
                job_title=job.title,
                kind=job.kind,
                paid=None if candidacy else job.paid,
                hours_per_week=Decimal(job.hours) if job.hours else None,
                hourly_pay=None if candidacy else pay,
                candidacy=candidacy,
                confirmed=True,
            )

    def change_job(self, planned: _Planned, day: dt.date, hours: Decimal) -> None:
        placement = planned.placement
        assert placement is not None
        if not planned.in_support:
            PlacementTerms.objects.create(
                placement=placement,
                effective_from=day,
                hours_per_week=hours,
                hourly_pay=placement.hourly_pay,
            )
            placement.hours_per_week = hours
            placement.save(update_fields=["hours_per_week"])
            return
        worker = self.worker_of(planned)
        with set_actor(worker):
            employment_services.change_terms(
                worker,
                placement,
                effective_from=day,
                hours_per_week=hours,
                hourly_pay=placement.hourly_pay,
                confirmed=True,
            )

    def end_job(self, planned: _Planned, day: dt.date) -> None:
        placement = planned.placement
        assert placement is not None
        if not planned.in_support:
            placement.end_date, placement.end_reason = day, planned.job.end_reason
            placement.save(update_fields=["end_date", "end_reason"])
            return
        worker = self.worker_of(planned)
        with set_actor(worker):
            planned.placement = employment_services.end_placement(
                worker, placement, end_date=day, reason=planned.job.end_reason
            )

    def worker_of(self, planned: _Planned) -> User:
        placement = planned.placement
        assert placement is not None and placement.episode_id is not None
        worker = Episode.objects.select_related("worker").get(pk=placement.episode_id).worker
        assert worker is not None
        return worker

    def check(self, planned: _Planned, kind: str, day: dt.date, worker: User) -> None:
        placement = planned.placement
        assert placement is not None
        check = PostStartCheck.objects.get(placement=placement, kind=kind)
        with set_actor(worker):
            employment_services.complete_check(worker, check, done_on=day, notes=CHECK_NOTES[kind])

    def fading(self, planned: _Planned, worker: User) -> None:
        placement = planned.placement
        assert placement is not None
        steps = [
            (placement.start_date + dt.timedelta(weeks=week - 1), Decimal(hours))
            for week, hours in planned.job.fading
        ]
        with set_actor(worker):
            employment_services.set_fading_plan(worker, placement, steps)

    def coach(self, episode: Episode, day: dt.date, minutes: int) -> None:
        worker = episode.worker
        assert worker is not None
        with set_actor(worker):
            casework_services.record_activity(
                worker,
                episode,
                kind=ActivityKind.IN_WORK_COACHING,
                occurred_on=day,
                with_whom="person",
                minutes=minutes,
                notes=self.rng.pick(COACHING_NOTES),
            )

    def access_to_work(
        self,
        planned: _Planned,
        worker: User,
        at: Callable[[dt.date, int, Callable[[], object]], None],
    ) -> None:
        """The application as it went: applied on a day, decided on a later one."""
        assert planned.job.access_to_work is not None
        status, funds, applied, decided, years = planned.job.access_to_work
        start = planned.start

        def record(day: dt.date, **fields: Any) -> Callable[[], object]:
            def step() -> None:
                assert planned.placement is not None
                with set_actor(worker):
                    employment_services.record_access_to_work(worker, planned.placement, **fields)

            return step

        if applied is None:
            day = start + dt.timedelta(days=2)
            at(min(day, self.today), 3, record(day, status=status))
            return
        applied_on = start + dt.timedelta(days=applied)
        at(applied_on, 3, record(applied_on, status="applied", applied_on=applied_on))
        if decided is not None:
            decided_on = start + dt.timedelta(days=decided)
            at(
                decided_on,
                3,
                record(
                    decided_on,
                    status=status,
                    funds=funds,
                    applied_on=applied_on,
                    decided_on=decided_on,
                    award_ends_on=(
                        casework_services.add_years(decided_on, years) if years else None
                    ),
                ),
            )

    def confirm(
        self,
        planned: _Planned,
        weeks: int,
        day: dt.date,
        worker: User,
        evidence: tuple[str, str],
    ) -> None:
        milestone = Milestone.objects.filter(placement=planned.placement, weeks=weeks).first()
        if milestone is None or milestone.confirmed_on is not None:
            return
        with set_actor(worker):
            employment_services.confirm_milestone(
                worker, milestone, evidence=evidence[0], confirmed_on=day, notes=evidence[1]
            )

    def progression(self, episode: Episode, day: dt.date) -> None:
        """Coaching has faded out and the person is settled: support ends while they
        stay in the job (closing the episode records the progression)."""
        worker = episode.worker
        assert worker is not None
        with set_actor(worker):
            casework_services.record_activity(
                worker,
                episode,
                kind=ActivityKind.REVIEW,
                occurred_on=day,
                with_whom="person",
                minutes=45,
                notes=PROGRESSION_NOTE,
            )
            casework_services.close_episode(
                worker,
                episode,
                reason=EndReason.IN_WORK_WITHOUT_SUPPORT,
                notes=PROGRESSION_NOTE,
                on=day,
            )

    def care_after_work(self) -> None:
        """People with a care package who started paid work in support in the last year
        need less care some weeks later: the savings report's saving. Someone with no
        cost history yet gets one (a package reviewed each year)."""
        rng = self.rng
        year_ago = self.ago(365)
        done: set[int] = set()
        for planned in self.jobs:
            person, start = planned.person, planned.start
            if not (planned.in_support and planned.job.paid and person.long_term_support):
                continue
            if start < year_ago or person.pk in done:
                continue
            done.add(person.pk)
            costs = list(CareCost.objects.filter(person=person).order_by("effective_from"))
            if not costs:
                weekly = Decimal(rng.between(240, 560))
                costs = [
                    CareCost.objects.create(
                        person=person, effective_from=self.ago(730), weekly_cost=weekly
                    ),
                    CareCost.objects.create(
                        person=person,
                        effective_from=self.ago(365),
                        weekly_cost=weekly + Decimal(rng.between(5, 30)),
                    ),
                ]
            less_from = start + dt.timedelta(weeks=8)
            if less_from >= self.today or any(c.effective_from > start for c in costs):
                continue
            before = [c for c in costs if c.effective_from < start][-1].weekly_cost
            CareCost.objects.create(
                person=person,
                effective_from=less_from,
                weekly_cost=(before * Decimal("0.75")).quantize(Decimal("0.01")),
            )
