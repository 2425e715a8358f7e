"""The vocational profile page, ``/people/<id>/profile/``.

Thin, like the person pages it sits among (and sharing their helpers): 404 when the
user may not see the person, 403 when they may see but not change the record (the data
protection officer and admins read the profile on the person page), both audited as
refused; a valid form goes to ``casework.profiles.save_profile`` and back to the person
page with a banner.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from pathways.casework.profile_forms import ProfileForm
from pathways.casework.profiles import get_profile, save_profile
from pathways.core.pages import posted
from pathways.core.types import AuthedRequest
from pathways.people.pages import person_form_page, person_to_change


@login_required
def edit_profile(request: AuthedRequest, pk: int) -> HttpResponse:
    person = person_to_change(request, pk, "vocational profile: edit")
    profile = get_profile(request.user, person.pk)
    form = ProfileForm(posted(request), profile=profile)

    def save(data: dict[str, Any]) -> str:
        save_profile(
            request.user, person, expected_version=data["version"], **form.profile_fields()
        )
        return f"Vocational profile saved for {person.full_name}."

    return person_form_page(request, person, form, "casework/profile_edit.html", save)
