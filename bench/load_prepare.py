"""Run by ``bench/load.py`` in a separate process (Django, before locust's gevent
patching): gives the load test signed-in sessions and the pages to ask for, as JSON.

Each session is what a staff member has after both sign-in steps (password, then the
authenticator app), made directly in the session store so the load test measures the
pages, not the sign-in. The pages: My work, a person on the user's caseload, one of
their episodes, the team's waiting list and the caseload report.
"""

from __future__ import annotations

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from pathways.casework.models import Episode  # noqa: E402
from pathways.core.models import Membership, Role, User  # noqa: E402


def session_for(user: User) -> str:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="load test", defaults={"confirmed": True}
    )
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session["otp_device_id"] = device.persistent_id
    session.create()
    return session.session_key  # type: ignore[return-value]


def staff_to_load(limit: int) -> list[User]:
    """Up to ``limit`` specialists and team managers with an episode to open."""
    staff = []
    for membership in (
        Membership.objects.filter(role__in=[Role.EMPLOYMENT_SPECIALIST, Role.TEAM_MANAGER])
        .select_related("user", "team")
        .order_by("user__email")
    ):
        if _episode_of(membership) is not None and membership.user not in staff:
            membership.user._load_team = membership.team  # type: ignore[attr-defined]
            staff.append(membership.user)
        if len(staff) >= limit:
            break
    return staff


def _episode_of(membership: Membership) -> Episode | None:
    episodes = Episode.objects.filter(worker=membership.user, ended_on__isnull=True).order_by("pk")
    return episodes.first() or Episode.objects.filter(team=membership.team).first()


def pages_for(user: User) -> dict[str, str]:
    """The pages a load-test client asks for, as ``user``."""
    membership = Membership(user=user, team=user._load_team)  # type: ignore[attr-defined]
    episode = _episode_of(membership)
    assert episode is not None
    return {
        "my work": reverse("my-work"),
        "person": reverse("person", args=[episode.person_id]),
        "episode": reverse("casework:episode", args=[episode.pk]),
        "waiting list": reverse("referrals:waiting"),
        "caseload": reverse("reporting:caseload"),
    }


def main() -> None:
    users = [
        {"email": user.email, "cookie": session_for(user), "pages": pages_for(user)}
        for user in staff_to_load(int(sys.argv[1] if len(sys.argv) > 1 else 20))
    ]
    print(json.dumps({"cookie_name": settings.SESSION_COOKIE_NAME, "users": users}))


if __name__ == "__main__":
    main()
