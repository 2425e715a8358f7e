from django.contrib.auth import views as auth_views
from django.urls import path

from pathways.core import notification_views, two_factor, views
from pathways.core.health import health

urlpatterns = [
    path("health/", health, name="health"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "sign-in/forgotten-password/",
        views.ForgottenPasswordView.as_view(),
        name="password-reset",
    ),
    path(
        "sign-in/forgotten-password/sent/",
        views.ResetSentView.as_view(),
        name="password-reset-sent",
    ),
    path(
        "sign-in/reset-password/<uidb64>/<token>/",
        views.ResetPasswordView.as_view(),
        name="password-reset-confirm",
    ),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set-password"),
    path("two-factor/setup/", two_factor.setup, name="two-factor-setup"),
    path("two-factor/verify/", two_factor.verify, name="two-factor-verify"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/read/", notification_views.mark_all_read, name="notifications-read"),
    path(
        "notifications/settings/",
        notification_views.email_settings,
        name="notification-settings",
    ),
    path("notifications/<int:pk>/", notification_views.open_notification, name="notification"),
    path("two-factor/recovery-codes/", two_factor.recovery_codes, name="two-factor-recovery-codes"),
]
