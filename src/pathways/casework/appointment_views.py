"""Appointments on the episode page: book, change, cancel, mark as done, and the
calendar file of one.

Thin, like ``casework.views`` (whose page builder they reuse): parse the form, call
``casework.appointments``, go back to the appointments with a banner; or show the
episode page again with what was wrong (400; 409 when someone changed it first).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pathways.casework import appointment_forms as af
from pathways.casework import appointments, ics, views
from pathways.casework.models import Appointment, Episode
from pathways.casework.policy import appointment_policy
from pathways.core import audit
from pathways.core.types import AuthedRequest


def _appointment_of(episode: Episode, appointment_id: int) -> Appointment:
    """One of the episode's booked appointments (prefetched), or 404."""
    found = next(
        (a for a in getattr(episode, "booked_appointments", []) if a.pk == appointment_id), None
    )
    if found is None:
        raise Http404("No such appointment")
    found.episode = episode
    return found


def _when(appointment: Appointment) -> str:
    local = timezone.localtime(appointment.starts_at)
    return f"{local:%-d %B %Y} at {local:%H:%M}"


def _act(
    request: AuthedRequest,
    pk: int,
    *,
    form_name: str,
    make_form: Callable[[Episode], forms.Form],
    perform: Callable[[Episode, dict[str, Any]], str],
) -> HttpResponse:
    return views._act(
        request,
        pk,
        action="work",
        refusal=appointments.REFUSAL,
        form_name=form_name,
        make_form=make_form,
        perform=perform,
        anchor="#appointments",
    )


@login_required
@require_POST
def book(request: AuthedRequest, pk: int) -> HttpResponse:
    def perform(episode: Episode, data: dict[str, Any]) -> str:
        appointment = appointments.book_appointment(
            request.user,
            episode,
            starts_at=data["starts_at"],
            minutes=data["minutes"],
            place=data["place"],
            purpose=data["purpose"],
            with_whom=data["with_whom"],
        )
        return f"Appointment booked for {_when(appointment)}."

    return _act(
        request,
        pk,
        form_name=af.BOOK_FORM,
        make_form=lambda episode: af.book_form(episode, af.staff_of(episode), request.POST),
        perform=perform,
    )


@login_required
@require_POST
def change(request: AuthedRequest, pk: int, appointment_id: int) -> HttpResponse:
    def make_form(episode: Episode) -> forms.Form:
        appointment = _appointment_of(episode, appointment_id)
        return af.change_form(appointment, episode, af.staff_of(episode), request.POST)

    def perform(episode: Episode, data: dict[str, Any]) -> str:
        appointment = appointments.change_appointment(
            request.user,
            _appointment_of(episode, appointment_id),
            expected_version=data["version"],
            starts_at=data["starts_at"],
            minutes=data["minutes"],
            place=data["place"],
            purpose=data["purpose"],
            with_whom=data["with_whom"],
        )
        return f"Appointment changed: now {_when(appointment)}."

    return _act(request, pk, form_name=af.CHANGE_FORM, make_form=make_form, perform=perform)


@login_required
@require_POST
def cancel(request: AuthedRequest, pk: int, appointment_id: int) -> HttpResponse:
    def make_form(episode: Episode) -> forms.Form:
        return af.cancel_form(_appointment_of(episode, appointment_id), request.POST)

    def perform(episode: Episode, data: dict[str, Any]) -> str:
        appointment = appointments.cancel_appointment(
            request.user,
            _appointment_of(episode, appointment_id),
            expected_version=data["version"],
            reason=data["reason"],
        )
        return f"Appointment on {_when(appointment)} cancelled."

    return _act(request, pk, form_name=af.CANCEL_FORM, make_form=make_form, perform=perform)


@login_required
@require_POST
def done(request: AuthedRequest, pk: int, appointment_id: int) -> HttpResponse:
    def make_form(episode: Episode) -> forms.Form:
        return af.done_form(_appointment_of(episode, appointment_id), request.POST)

    def perform(episode: Episode, data: dict[str, Any]) -> str:
        appointment = appointments.mark_appointment_done(
            request.user,
            _appointment_of(episode, appointment_id),
            expected_version=data["version"],
        )
        return f"Appointment on {_when(appointment)} marked as done."

    return _act(request, pk, form_name=af.DONE_FORM, make_form=make_form, perform=perform)


@login_required
@require_GET
def calendar_file(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    """The appointment as an .ics file, for the worker's own calendar: a read of the
    person's record, audited."""
    appointment = appointment_policy.fetch_or_refuse(
        request.user,
        appointment_id,
        rows=Appointment.objects.select_related("episode__person", "with_whom"),
        channel="web",
        what=lambda a: f"appointment calendar file, episode {a.episode.episode_ref}",
        request=request,
    )
    audit.record_access(
        request.user,
        appointment.episode.person,
        channel="web",
        what=f"appointment calendar file, episode {appointment.episode.episode_ref}",
        request=request,
    )
    response = HttpResponse(ics.appointment_ics(appointment), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{ics.file_name(appointment)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
