"""Two-factor sign-in for staff with django-otp's TOTP devices (authenticator apps).

The views are ours because the flow is two short GOV.UK forms; the cryptography and
device storage are django-otp's.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.core.models import User
from pathways.core.types import AuthedRequest


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
    """First sign-in: scan a QR code (or type the key), then confirm with a code."""
    if any(True for _ in devices_for_user(request.user, confirmed=True)):
        return redirect("two-factor-verify")
    device = _pending_device(request.user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            request.session.cycle_key()  # a new session id once both steps are done
            return redirect(_next_url(request))
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


@login_required
def verify(request: AuthedRequest) -> HttpResponse:
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        for device in devices_for_user(request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["code"]):
                otp_login(request, device)
                request.session.cycle_key()  # a new session id once both steps are done
                return redirect(_next_url(request))
        form.add_error("code", "That code did not match. Check your app and try the newest code")
    return render(
        request, "core/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )
