"""Notifications: telling staff that something needs them, in the app and by email.

Every app calls ``notify(user, kind, text, link)`` from its services where the event
happens. The notice is a row written in the service's transaction (a rolled-back action
leaves none); its email is put on the task queue when the transaction commits
(``transaction.on_commit``), so a rolled-back action tells nobody, and sent by
``send_notification_email`` on a worker (``pathways db_worker``) with Django's email
backends. A failed send is tried again later, up to ``PATHWAYS_NOTIFY_EMAIL_ATTEMPTS``
times, each attempt and the last error recorded on the notice.

Kinds are registered by the apps that raise them (``notification_kind``, from
``AppConfig.ready``), so that core names no domain event; each staff member may opt
out of the email for any kind (``EmailOptOut``) and still see the notice in the app.

Texts carry no personal details: at most the recipient's own first name, which the
email adds as its greeting. The link leads to the page, which decides who may see it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from pathways.core.audit import record_event
from pathways.core.models import EmailOptOut, Notification, User

#: Longest text a notice may carry: a sentence, not a record.
MAX_TEXT = 200


@dataclass(frozen=True)
class Kind:
    name: str
    #: What the settings page calls it ("A case is allocated to you").
    label: str


_KINDS: dict[str, Kind] = {}


def notification_kind(name: str, label: str) -> Kind:
    """Register a kind of notification (from the raising app's ``AppConfig.ready``)."""
    kind = Kind(name, label)
    _KINDS[name] = kind
    return kind


def kinds() -> list[Kind]:
    """Every registered kind, in the order the apps registered them."""
    return list(_KINDS.values())


#: Inside ``quietly()``: notices are stored as read and not emailed.
_quiet: ContextVar[bool] = ContextVar("pathways_notifications_quiet", default=False)


@contextmanager
def quietly() -> Iterator[None]:
    """Record history without telling anyone (loading the demo borough's past): the
    notices made inside are stored as read, and no email is sent."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


class EmailNotSent(Exception):
    """The mail server refused or could not be reached; the notice (or whatever the
    email was about: an appointment's reminder) records why."""


# --- Writes ------------------------------------------------------------------------


def notify(user: User, kind: str, text: str, link: str, *, key: str = "") -> Notification | None:
    """Tell ``user`` about something at ``link`` (a path in the service).

    ``key`` makes the notice once-only (a daily run passes the item it is about): a
    second notice with the same kind and key for the same user is not made. Returns
    the notice, or None when there is none to make (an inactive account, a repeat).
    """
    if kind not in _KINDS:
        raise ValueError(f"Unknown notification kind {kind!r}; register it first.")
    if not link.startswith("/") or link.startswith("//"):
        raise ValueError(f"A notification links to a path in the service, not {link!r}.")
    text = " ".join(text.split())
    if not text or len(text) > MAX_TEXT:
        raise ValueError(f"A notification's text is one short sentence (at most {MAX_TEXT}).")
    if not user.is_active:
        return None
    quiet = _quiet.get()
    fields = {"recipient": user, "kind": kind, "text": text, "link": link, "key": key}
    if quiet:
        fields["read_at"] = timezone.now()
    if key:
        if Notification.objects.filter(recipient=user, kind=kind, key=key).exists():
            return None
        try:
            with transaction.atomic():  # a daily run at the same time may get there first
                notice = Notification.objects.create(**fields)
        except IntegrityError:
            return None
    else:
        notice = Notification.objects.create(**fields)
    if not quiet and user.email and wants_email(user, kind):
        pk = notice.pk
        transaction.on_commit(lambda: queue_email(pk))
    return notice


def notify_each(
    users: Iterable[User], kind: str, text: str, link: str, *, besides: User | None = None
) -> list[Notification]:
    """``notify`` each of ``users`` once, leaving out ``besides`` (who did it)."""
    made: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user.pk in seen or (besides is not None and user.pk == besides.pk):
            continue
        seen.add(user.pk)
        notice = notify(user, kind, text, link)
        if notice is not None:
            made.append(notice)
    return made


def mark_read(user: User, notice: Notification) -> Notification:
    """The user opened the notice (it must be theirs: ``notification_of`` found it)."""
    if notice.recipient_id != user.pk:
        raise ValueError("A notice is marked read by its recipient only.")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


@transaction.atomic
def mark_all_read(user: User, *, channel: str = "web") -> int:
    """Clear the user's list; how many were unread. One entry on the audit trail."""
    count = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if count:
        record_event(user, user, channel=channel, what=f"{count} notifications marked as read")
    return count


@transaction.atomic
def set_email_opt_outs(user: User, opted_out: Iterable[str]) -> set[str]:
    """Email the user for every kind but ``opted_out``. Each change is audited (the
    opt-outs are tracked by django-auditlog), so they are saved one by one."""
    wanted = set(opted_out)
    unknown = wanted - set(_KINDS)
    if unknown:
        raise ValidationError({"emails": f"Unknown kinds of notification: {sorted(unknown)}."})
    have = {o.kind: o for o in EmailOptOut.objects.filter(user=user)}
    for kind in wanted - set(have):
        EmailOptOut.objects.create(user=user, kind=kind)
    for kind in set(have) - wanted:
        have[kind].delete()
    return wanted


# --- Reads -------------------------------------------------------------------------


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's own notices, newest first (nobody sees another's)."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """One query: how many of the user's notices are unread."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def wants_email(user: User, kind: str) -> bool:
    return not EmailOptOut.objects.filter(user=user, kind=kind).exists()


def opted_out_kinds(user: User) -> set[str]:
    return set(EmailOptOut.objects.filter(user=user).values_list("kind", flat=True))


def header(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the unread count in the header, for signed-in staff only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user)}


# --- Email -------------------------------------------------------------------------


def email_of(notice: Notification) -> tuple[str, str]:
    """The subject and body: the recipient's first name, the text and the link, and
    nothing else (no one's name, no reference)."""
    first = notice.recipient.first_name.strip()
    greeting = f"Hello {first}," if first else "Hello,"
    link = settings.PATHWAYS_BASE_URL.rstrip("/") + notice.link
    subject = f"{settings.PATHWAYS_SERVICE_NAME}: {notice.text}"
    body = (
        f"{greeting}\n\n{notice.text}\n\n{link}\n\n"
        "Sign in to see the details. You can choose which emails you get on your "
        f"notification settings page: {settings.PATHWAYS_BASE_URL.rstrip('/')}"
        "/notifications/settings/\n"
    )
    return subject, body


def retry_delay(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 4, 16, 64 minutes…"""
    return dt.timedelta(minutes=4 ** (attempts - 1))


def email_error(exc: BaseException) -> str:
    """What a failed send records: the kind of failure and the server's words."""
    return f"{type(exc).__name__}: {exc}"[:500]


def enqueue_email(job: Task[..., Any], *args: Any, delay: dt.timedelta | None = None) -> None:
    """Put an email task on the queue (later by ``delay`` where the backend can wait; a
    backend that runs tasks at once tries again at once)."""
    if delay is not None and job.get_backend().supports_defer:
        job = job.using(run_after=timezone.now() + delay)
    job.enqueue(*args)


def queue_email(notification_id: int, *, delay: dt.timedelta | None = None) -> None:
    """Put the notice's email on the task queue (``enqueue_email``)."""
    enqueue_email(send_notification_email, notification_id, delay=delay)


def _attempt(notification_id: int) -> tuple[str, int]:
    """Send the email once, recording the outcome; what happened and the attempts."""
    with transaction.atomic():
        notice = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notice is None:
            return "gone", 0
        if notice.emailed_at is not None:
            return "already sent", notice.email_attempts
        recipient = notice.recipient
        if not recipient.is_active or not recipient.email:
            return "no address", notice.email_attempts
        if not wants_email(recipient, notice.kind):
            return "opted out", notice.email_attempts
        subject, body = email_of(notice)
        notice.email_attempts += 1
        try:
            send_mail(subject, body, None, [recipient.email])
        except Exception as exc:  # the mail server's every way of failing
            notice.email_error = email_error(exc)
            notice.save(update_fields=["email_attempts", "email_error"])
            return "failed", notice.email_attempts
        notice.emailed_at = timezone.now()
        notice.email_error = ""
        notice.save(update_fields=["emailed_at", "email_attempts", "email_error"])
        return "sent", notice.email_attempts


@task()
def send_notification_email(notification_id: int) -> str:
    """The task: send one notice's email. When the mail server fails, record the error,
    queue another try with a growing delay (up to ``PATHWAYS_NOTIFY_EMAIL_ATTEMPTS``)
    and fail this run, so the queue's result shows it too."""
    outcome, attempts = _attempt(notification_id)
    if outcome != "failed":
        return outcome
    if attempts < settings.PATHWAYS_NOTIFY_EMAIL_ATTEMPTS:
        queue_email(notification_id, delay=retry_delay(attempts))
    raise EmailNotSent(f"Attempt {attempts} to email notification {notification_id} failed.")
