"""Two-factor sign-in for staff with django-otp's TOTP devices (authenticator apps).

The views are ours because the flow is two short GOV.UK forms; the cryptography and
device storage are django-otp's.

Setting up an authenticator app needs more than the password: proof that the user
controls the mailbox the one-time link from ``pathways invite`` was sent to. Setting a
password through that link (``grant_enrolment_proof``) lets the next sign-in within
``PATHWAYS_ENROLMENT_PROOF_HOURS`` set up an app; that sign-in takes the proof into its
session (``may_enrol``), so it is used once. ``pathways invite --reset-two-factor``
removes a lost app and issues a new link (as does the member page of ``/staff/``).
Someone with the password alone is told to use their invitation link or ask their
administrator.

Recovery codes (django-otp's static device) are for a phone left at home: ten
single-use codes, shown once after the app is set up and whenever the user makes a new
set on the "Recovery codes" page (which replaces the old set). The verify step takes
one in place of the app's code.
"""

from __future__ import annotations

import datetime as dt
from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.core.audit import record_event, record_staff_event
from pathways.core.models import User
from pathways.core.types import AuthedRequest

#: The session's copy of the proof (a POSIX timestamp: until when it holds).
ENROL_SESSION_KEY = "pathways_enrol_until"
#: New recovery codes waiting to be shown, once.
CODES_SESSION_KEY = "pathways_new_recovery_codes"
RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Recovery codes"


def has_authenticator(user: User) -> bool:
    """Whether the user has set up an authenticator app (recovery codes alone are not one)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def issue_recovery_codes(user: User) -> list[str]:
    """A new set of single-use recovery codes, replacing any the user had."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    record_staff_event(user, user, channel="web", what="recovery codes made", count=len(codes))
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def grant_enrolment_proof(user: User, *, channel: str = "web") -> None:
    """The user proved control of their mailbox (they used the one-time link): their
    next sign-in within ``PATHWAYS_ENROLMENT_PROOF_HOURS`` may set up an authenticator
    app. Nothing for a user who has one already."""
    if has_authenticator(user):
        return
    until = timezone.now() + dt.timedelta(hours=settings.PATHWAYS_ENROLMENT_PROOF_HOURS)
    User.objects.filter(pk=user.pk).update(enrol_two_factor_until=until)
    record_event(user, user, channel=channel, what="may set up two-step sign-in (link used)")


def may_enrol(request: AuthedRequest) -> bool:
    """Whether this session may set up an authenticator app: it holds an unexpired
    proof, or takes the account's (which then leaves the account: used once)."""
    now = timezone.now()
    held = request.session.get(ENROL_SESSION_KEY)
    if held is not None and held > now.timestamp():
        return True
    until = (
        User.objects.filter(pk=request.user.pk, enrol_two_factor_until__gt=now)
        .values_list("enrol_two_factor_until", flat=True)
        .first()
    )
    if until is None:
        return False
    taken = User.objects.filter(pk=request.user.pk, enrol_two_factor_until=until).update(
        enrol_two_factor_until=None
    )
    if not taken:  # another sign-in took it first
        return False
    request.session[ENROL_SESSION_KEY] = until.timestamp()
    return True


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        help_text="The 6-digit code changes every 30 seconds",
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "")
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("The code must be 6 digits")
        return code


def _next_url(request: AuthedRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _pending_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


@login_required
def setup(request: AuthedRequest) -> HttpResponse:
    """First sign-in: scan a QR code (or type the key), then confirm with a code. Only
    with proof of the mailbox (``may_enrol``); otherwise the user is told how to get it."""
    if has_authenticator(request.user):
        return redirect("two-factor-verify")
    if not may_enrol(request):
        return render(request, "core/two_factor_needs_link.html", status=403)
    device = _pending_device(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session.pop(ENROL_SESSION_KEY, None)
            request.session.cycle_key()  # a new session id once both steps are done
            request.session[CODES_SESSION_KEY] = issue_recovery_codes(request.user)
            return redirect(f"{reverse('two-factor-recovery-codes')}?next={_next_url(request)}")
        form.add_error("code", "That code did not match. Check your app and try the newest code")
    key = b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5)
    return render(
        request,
        "core/two_factor_setup.html",
        {
            "form": form,
            "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
            "qr": qr,
            "next": _next_url(request),
        },
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        help_text="The 6-digit code changes every 30 seconds. A recovery code has 8 letters "
        "and numbers, and works once",
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "").replace("-", "").lower()
        if code.isdigit() and len(code) == 6:
            return code
        if len(code) == 8 and code.isalnum():
            return code
        raise forms.ValidationError(
            "Enter the 6-digit code from your app, or an 8-character recovery code"
        )


@login_required
def verify(request: AuthedRequest) -> HttpResponse:
    form = VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["code"]):
                otp_login(request, device)
                request.session.cycle_key()  # a new session id once both steps are done
                if isinstance(device, StaticDevice):
                    left = recovery_codes_left(request.user)
                    record_staff_event(
                        request.user,
                        request.user,
                        channel="web",
                        what="signed in with a recovery code",
                        codes_left=left,
                    )
                    messages.warning(
                        request,
                        f"You used a recovery code. You have {left} left. "
                        "Make new ones on the Recovery codes page if you are running out.",
                    )
                return redirect(_next_url(request))
        form.add_error("code", "That code did not match. Check your app and try the newest code")
    return render(
        request, "core/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


@login_required
def recovery_codes(request: AuthedRequest) -> HttpResponse:
    """How many recovery codes are left, and a button to make a new set. New codes are
    shown once, on the page that follows making them (after setup, or the button)."""
    if not has_authenticator(request.user):
        return redirect("two-factor-setup")
    if not request.user.is_verified():  # type: ignore[attr-defined]
        # The page is open before the second step (its path is under /two-factor/):
        # a password alone must not make codes that stand in for the app.
        return redirect(f"{reverse('two-factor-verify')}?next={request.path}")
    if request.method == "POST":
        request.session[CODES_SESSION_KEY] = issue_recovery_codes(request.user)
        return redirect(f"{reverse('two-factor-recovery-codes')}?next={_next_url(request)}")
    return render(
        request,
        "core/recovery_codes.html",
        {
            "codes": request.session.pop(CODES_SESSION_KEY, None),
            "left": recovery_codes_left(request.user),
            "next": _next_url(request),
        },
    )
