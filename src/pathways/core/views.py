"""Signing in: the sign-in page and the one-time link to set a password."""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class SignInView(auth_views.LoginView):
    template_name = "core/sign_in.html"
    redirect_authenticated_user = True


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """The one-time link from `pathways invite` or a reset: choose a password."""

    template_name = "core/set_password.html"
    post_reset_login = False
    success_url = "/sign-in/?password=set"
