"""The staff member's own notifications: the list (newest first, 25 a page), opening
one (marks it read and goes to its page), clearing the list, and which kinds they want
by email. Nobody sees another's notifications: another's number is a 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from pathways.core import notifications
from pathways.core.pages import attempt, paged, posted
from pathways.core.types import AuthedRequest

#: Notifications per page.
PER_PAGE = 25


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    found = paged(request, notifications.notifications_for(request.user), PER_PAGE)
    return render(request, "core/notifications/list.html", {"paged": found})


@login_required
def open_notification(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = notifications.notifications_for(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404("No such notification.")
    notifications.mark_read(request.user, notice)
    if not url_has_allowed_host_and_scheme(notice.link, allowed_hosts=None):
        return redirect("notifications")
    return HttpResponseRedirect(notice.link)


@require_POST
@login_required
def mark_all_read(request: AuthedRequest) -> HttpResponse:
    count = notifications.mark_all_read(request.user)
    if count:
        messages.success(request, "Your notifications are all marked as read.")
    return redirect("notifications")


class EmailChoicesForm(forms.Form):
    emails = forms.MultipleChoiceField(
        label="Email me when",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You always see your notifications here. Untick the ones you do not want "
        "by email too.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["emails"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(k.name, k.label) for k in notifications.kinds()]


@login_required
def email_settings(request: AuthedRequest) -> HttpResponse:
    every = [k.name for k in notifications.kinds()]
    opted_out = notifications.opted_out_kinds(request.user)
    form = EmailChoicesForm(
        posted(request), initial={"emails": [k for k in every if k not in opted_out]}
    )
    if request.method == "POST":
        done = attempt(
            form,
            lambda data: notifications.set_email_opt_outs(
                request.user, set(every) - set(data["emails"])
            ),
        )
        if done.done:
            messages.success(request, "Your email choices are saved.")
            return redirect("notification-settings")
        return render(request, "core/notifications/settings.html", {"form": form}, status=400)
    return render(request, "core/notifications/settings.html", {"form": form})
