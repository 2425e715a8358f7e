"""My appointments: what is coming up with the coach, in plain words, each with "Add to
my calendar" (an .ics file from ``casework.ics``), and the yes or no to a reminder by
email the day before (``portal.reminders``)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from pathways.casework import ics
from pathways.casework.models import Appointment
from pathways.casework.selectors import coming_appointments_of_person
from pathways.core.audit import record_access
from pathways.portal.access import CHANNEL, portal_page
from pathways.portal.forms import ReminderForm
from pathways.portal.models import PortalAccount, Section
from pathways.portal.pages import Prompt, page, prompts
from pathways.portal.reminders import set_appointment_reminders

page(
    "appointments", "My appointments", "When you see your coach", "portal:appointments", "calendar"
)


def time_words(moment: dt.datetime) -> str:
    """A time as people say it: 10am, 2:30pm."""
    local = timezone.localtime(moment)
    hour = local.hour % 12 or 12
    half = "am" if local.hour < 12 else "pm"
    return f"{hour}{half}" if local.minute == 0 else f"{hour}:{local.minute:02d}{half}"


def day_words(moment: dt.datetime) -> str:
    """Today, Tomorrow, or the day and date: Monday 7 December."""
    day = timezone.localtime(moment).date()
    today = timezone.localdate()
    if day == today:
        return "Today"
    if day == today + dt.timedelta(days=1):
        return "Tomorrow"
    return f"{day:%A} {day.day} {day:%B}"


def coach_name(appointment: Appointment) -> str:
    return appointment.with_whom.get_full_name() or "your coach"


def _render(request: HttpRequest, form: ReminderForm, status: int = 200) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    rows = list(coming_appointments_of_person(account.person_id))
    for row in rows:
        row.day_text = day_words(row.starts_at)  # type: ignore[attr-defined]
        row.time_text = time_words(row.starts_at)  # type: ignore[attr-defined]
        row.coach = coach_name(row)  # type: ignore[attr-defined]
    return render(
        request,
        "portal/appointments/list.html",
        {"appointments": rows, "form": form, "account": account},
        status=status,
    )


@portal_page(Section.APPOINTMENTS)
@require_GET
def appointments(request: HttpRequest) -> HttpResponse:
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    initial = {"wanted": "yes" if account.appointment_reminders else "no"}
    return _render(request, ReminderForm(initial=initial))


@portal_page(Section.APPOINTMENTS)
@require_POST
def reminders(request: HttpRequest) -> HttpResponse:
    """Yes or no to the reminder emails, for whoever is signed in."""
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    form = ReminderForm(request.POST)
    if not form.is_valid():
        return _render(request, form, status=400)
    wanted = set_appointment_reminders(request.user, account, wanted=form.cleaned_data["wanted"])  # type: ignore[arg-type]
    if wanted:
        messages.success(request, "We will send you an email the day before.")
    else:
        messages.success(request, "We will not send you emails about appointments.")
    return redirect(reverse("portal:appointments") + "#reminders")


@portal_page(Section.APPOINTMENTS)
@require_GET
def calendar_file(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the person's own appointments as an .ics file (another's is a 404)."""
    account: PortalAccount = request.portal  # type: ignore[attr-defined]
    appointment = get_object_or_404(
        Appointment.objects.select_related("with_whom"),
        pk=pk,
        episode__person_id=account.person_id,
    )
    record_access(
        request.user,
        account.person,
        channel=CHANNEL,
        what="portal: My appointments: calendar file",
        request=request,
    )
    response = HttpResponse(ics.appointment_ics(appointment), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="{ics.file_name(appointment)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@prompts
def next_appointment(account: PortalAccount) -> list[Prompt]:
    """The home page says when the next appointment is, if it is today or tomorrow."""
    if not account.may_see(Section.APPOINTMENTS):
        return []
    tomorrow_ends = timezone.make_aware(
        dt.datetime.combine(timezone.localdate() + dt.timedelta(days=2), dt.time.min)
    )
    soon = (
        coming_appointments_of_person(account.person_id)
        .filter(status=Appointment.Status.BOOKED, starts_at__lt=tomorrow_ends)
        .first()
    )
    if soon is None:
        return []
    when = f"{day_words(soon.starts_at)} at {time_words(soon.starts_at)}"
    who = f"{account.person.given_name} sees" if account.is_supporter else "you see"
    text = f"{when}: {who} {coach_name(soon)}."
    return [Prompt(text, reverse("portal:appointments"), "calendar")]
