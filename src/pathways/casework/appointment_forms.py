"""Forms for appointments on the episode page, and the appointments' part of that
page's context (``appointment_context``), which ``casework.views`` adds to every
episode page."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone

from pathways.casework import selectors
from pathways.casework.appointments import MAX_MINUTES, MIN_MINUTES, TEXT_LENGTH
from pathways.casework.models import Appointment, Episode
from pathways.core.forms import DatePartsField
from pathways.core.models import User

#: Context names of the forms, as views pass them bound to ``_episode_page``.
BOOK_FORM = "appointment_form"
CHANGE_FORM = "appointment_change_form"
CANCEL_FORM = "appointment_cancel_form"
DONE_FORM = "appointment_done_form"

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def parse_time(text: str) -> dt.time | None:
    """A time as people write it: 14:30, 2:30pm, 2pm, 9.15."""
    match = _TIME.match(text.strip().lower())
    if match is None:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        return None  # "9" alone: morning or evening?
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


class TimeField(forms.CharField):
    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        parsed = parse_time(text)
        if parsed is None:
            raise forms.ValidationError("Enter the time like 14:30 or 2:30pm", code="invalid_time")
        return parsed


def staff_of(episode: Episode) -> list[User]:
    """Who an appointment may be with: the worker and the active staff of the
    episode's team (one query, shared by every form on the page)."""
    staff = Q(memberships__team_id=episode.team_id, is_active=True)
    if episode.worker_id:
        staff |= Q(pk=episode.worker_id)
    return list(User.objects.filter(staff).distinct().order_by("first_name", "last_name", "email"))


class AppointmentForm(forms.Form):
    starts_at = DatePartsField(
        label="Date", label_for_errors="date", help_text="For example, 3 11 2026"
    )
    time = TimeField(
        label="Time",
        help_text="For example, 14:30 or 2:30pm",
        error_messages={"required": "Enter the time"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    minutes = forms.IntegerField(
        label="How long (minutes)",
        min_value=MIN_MINUTES,
        max_value=MAX_MINUTES,
        initial=60,
        error_messages={
            "required": "Enter how long the appointment is, in minutes",
            "invalid": "Enter how long the appointment is as a number of minutes",
            "min_value": f"How long must be between {MIN_MINUTES} and {MAX_MINUTES} minutes",
            "max_value": f"How long must be between {MIN_MINUTES} and {MAX_MINUTES} minutes",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
    )
    place = forms.CharField(
        label="Where",
        max_length=TEXT_LENGTH,
        help_text="For example, Riverside Library, Main Street, or Phone call",
        error_messages={
            "required": "Enter where the appointment is",
            "max_length": f"Where must be {TEXT_LENGTH} characters or fewer",
        },
    )
    purpose = forms.CharField(
        label="What it is for",
        max_length=TEXT_LENGTH,
        help_text="In plain words the person will understand, for example Talk about your CV",
        error_messages={
            "required": "Enter what the appointment is for",
            "max_length": f"What it is for must be {TEXT_LENGTH} characters or fewer",
        },
    )
    with_whom = forms.ChoiceField(
        label="With whom",
        error_messages={
            "required": "Choose who the appointment is with",
            "invalid_choice": "Choose the person's worker or someone in their team",
        },
    )

    def __init__(self, *args: Any, episode: Episode, staff: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staff = {str(user.pk): user for user in staff}
        self.fields["with_whom"].choices = [  # type: ignore[attr-defined]
            (pk, user.get_full_name() or user.email) for pk, user in self.staff.items()
        ]
        if "with_whom" not in self.initial and episode.worker_id:
            self.initial["with_whom"] = episode.worker_id

    def clean_with_whom(self) -> User:
        return self.staff[self.cleaned_data["with_whom"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("starts_at"), data.get("time")
        if isinstance(day, dt.date) and isinstance(time, dt.time):
            data["starts_at"] = timezone.make_aware(dt.datetime.combine(day, time))
        return data


class ChangeAppointmentForm(AppointmentForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelAppointmentForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter why the appointment is cancelled"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class AppointmentDoneForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


def book_form(episode: Episode, staff: list[User], data: Any = None) -> AppointmentForm:
    return AppointmentForm(data, prefix="appointment", episode=episode, staff=staff)


def _tag(form: forms.Form, appointment_id: int) -> forms.Form:
    form.appointment_id = appointment_id  # type: ignore[attr-defined]
    return form


def change_form(
    appointment: Appointment, episode: Episode, staff: list[User], data: Any = None
) -> forms.Form:
    local = timezone.localtime(appointment.starts_at)
    initial = {
        "starts_at": local.date(),
        "time": f"{local:%H:%M}",
        "minutes": appointment.minutes,
        "place": appointment.place,
        "purpose": appointment.purpose,
        "with_whom": appointment.with_whom_id,
        "version": appointment.version,
    }
    form = ChangeAppointmentForm(
        data,
        prefix=f"appointment-{appointment.pk}",
        episode=episode,
        staff=staff,
        initial=initial,
    )
    return _tag(form, appointment.pk)


def cancel_form(appointment: Appointment, data: Any = None) -> forms.Form:
    form = CancelAppointmentForm(
        data, prefix=f"cancel-{appointment.pk}", initial={"version": appointment.version}
    )
    return _tag(form, appointment.pk)


def done_form(appointment: Appointment, data: Any = None) -> forms.Form:
    form = AppointmentDoneForm(
        data, prefix=f"done-{appointment.pk}", initial={"version": appointment.version}
    )
    return _tag(form, appointment.pk)


def _bound_or(bound: dict[str, forms.Form], name: str, pk: int) -> forms.Form | None:
    form = bound.get(name)
    return form if form is not None and getattr(form, "appointment_id", None) == pk else None


def appointment_context(
    episode: Episode, bound: dict[str, forms.Form], *, may_work: bool
) -> dict[str, Any]:
    """The booked appointments (prefetched: no query), each with its forms when the
    user may change them; a bound form with errors replaces the empty one."""
    now = timezone.now()
    appointments = selectors.upcoming_appointments_of(episode)
    staff = staff_of(episode) if may_work else []
    for appointment in appointments:
        appointment.episode = episode
        appointment.has_started = appointment.starts_at <= now  # type: ignore[attr-defined]
        if not may_work:
            continue
        pk = appointment.pk
        appointment.change_form = _bound_or(bound, CHANGE_FORM, pk) or change_form(  # type: ignore[attr-defined]
            appointment, episode, staff
        )
        appointment.cancel_form = _bound_or(bound, CANCEL_FORM, pk) or cancel_form(  # type: ignore[attr-defined]
            appointment
        )
        appointment.done_form = _bound_or(bound, DONE_FORM, pk) or done_form(appointment)  # type: ignore[attr-defined]
    return {
        "appointments": appointments,
        BOOK_FORM: (bound.get(BOOK_FORM) or book_form(episode, staff)) if may_work else None,
    }
