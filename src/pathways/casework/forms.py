"""Forms for the job coach's pages. They parse and check input; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from pathways.casework.models import Activity, ActivityKind, EndReason, Episode, Message, Stage
from pathways.casework.selectors import NOT_ALLOCATED, PACKAGE_KINDS, PeopleFilters
from pathways.core.forms import DatePartsField
from pathways.core.models import Team, User
from pathways.people.models import SupportReason

NO_ELEMENT = "none"


def _not_future(day: dt.date | None, what: str) -> dt.date | None:
    if day and day > timezone.localdate():
        raise forms.ValidationError(f"The {what} must be today or in the past")
    return day


def _not_before_start(day: dt.date | None, episode: Episode, what: str) -> dt.date | None:
    if day and day < episode.started_on:
        raise forms.ValidationError(
            f"The {what} must be on or after {episode.started_on:%-d %B %Y}, "
            "when this episode started"
        )
    return day


class EpisodeForm(forms.Form):
    """A form about one episode: it knows the episode, to check dates against it."""

    def __init__(self, *args: Any, episode: Episode, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.episode = episode


class StageForm(EpisodeForm):
    stage = forms.ChoiceField(
        label="New stage",
        choices=Stage.choices,
        error_messages={"required": "Choose the new stage"},
    )
    entered_on = DatePartsField(
        label="Date the stage began",
        label_for_errors="date the stage began",
        help_text="For example, 3 11 2026",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_stage(self) -> str:
        stage = self.cleaned_data["stage"]
        if stage == self.episode.stage:
            raise forms.ValidationError(
                f"The episode is already at {self.episode.get_stage_display()}: "
                "choose a different stage"
            )
        return stage

    def clean_entered_on(self) -> dt.date | None:
        day = _not_future(self.cleaned_data.get("entered_on"), "date the stage began")
        return _not_before_start(day, self.episode, "date the stage began")


class ActivityForm(EpisodeForm):
    kind = forms.ChoiceField(
        label="What was done",
        choices=[("", "Choose the kind of activity"), *ActivityKind.choices],
        error_messages={"required": "Choose what was done"},
    )
    occurred_on = DatePartsField(
        label="Date",
        label_for_errors="date of the activity",
        help_text="For example, 3 11 2026",
    )
    with_whom = forms.ChoiceField(
        label="With whom",
        choices=Activity.With.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who the activity was with"},
    )
    minutes = forms.IntegerField(
        label="Minutes spent (optional)",
        required=False,
        min_value=0,
        max_value=24 * 60,
        error_messages={
            "invalid": "Enter the minutes as a whole number, like 45",
            "min_value": "The minutes cannot be less than 0",
            "max_value": "The minutes cannot be more than a day (1440)",
        },
    )
    notes = forms.CharField(
        label="Notes (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="Only people who may see this episode can read the notes, unless you "
        "share them with the person",
    )
    shared_with_person = forms.BooleanField(
        label="Share this note with the person",
        required=False,
        help_text="They will see it in their own Pathways. Write it as you would say it to them.",
    )

    def clean_occurred_on(self) -> dt.date | None:
        day = _not_future(self.cleaned_data.get("occurred_on"), "date of the activity")
        return _not_before_start(day, self.episode, "date of the activity")

    def clean_minutes(self) -> int:
        return self.cleaned_data.get("minutes") or 0

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("shared_with_person") and not (data.get("notes") or "").strip():
            self.add_error("notes", "Write the note to share it with the person")
        return data


class ActivityEditForm(ActivityForm):
    """Correcting an entry, or sharing its note: the version read guards the change."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReplyForm(forms.Form):
    """A member of staff's answer to the person."""

    text = forms.CharField(
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=Message.MAX_LENGTH,
        help_text="The person reads this in their own Pathways. Use short, plain sentences.",
        error_messages={
            "required": "Write your reply",
            "max_length": f"The reply must be {Message.MAX_LENGTH} characters or fewer",
        },
    )


class ReviewForm(EpisodeForm):
    reviewed_on = DatePartsField(
        label="Date of the review",
        label_for_errors="date of the review",
        help_text="For example, 3 11 2026",
    )
    support_still_right = forms.ChoiceField(
        label="Is long-term support still right for the person?",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether long-term support is still right"},
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def clean_reviewed_on(self) -> dt.date | None:
        return _not_future(self.cleaned_data.get("reviewed_on"), "date of the review")


class CloseForm(EpisodeForm):
    reason = forms.ChoiceField(
        label="Why is support ending?",
        choices=EndReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why support is ending"},
    )
    ended_on = DatePartsField(
        label="Date support ended",
        label_for_errors="date support ended",
        help_text="For example, 3 11 2026",
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_ended_on(self) -> dt.date | None:
        day = _not_future(self.cleaned_data.get("ended_on"), "date support ended")
        return _not_before_start(day, self.episode, "date support ended")


class ApproveForm(forms.Form):
    reason = forms.CharField(label="Comments (optional)", required=False, widget=forms.Textarea)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Reason for rejecting",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for rejecting the change"},
    )


class PackageForm(EpisodeForm):
    work_entry = forms.BooleanField(label="Work entry", required=False)
    supported_element = forms.ChoiceField(
        label="Supported employment",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the supported-employment element, or none"},
    )
    transitional_ends_on = DatePartsField(
        label="End of transitional support (optional)",
        required=False,
        label_for_errors="end of transitional support",
        help_text=(
            "Leave it empty to keep the current end date, or for new transitional support "
            "to end two years from its start, the most it may run without an extension"
        ),
    )
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason for the change"},
        help_text="The approver reads this: say what was agreed with the person and why",
    )

    def __init__(self, *args: Any, review_interval_days: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supported_element"].choices = [  # type: ignore[attr-defined]
            (NO_ELEMENT, "None"),
            ("transitional", "Transitional supported employment (up to two years)"),
            (
                "long_term",
                f"Long-term supported employment (reviewed every {review_interval_days} days)",
            ),
        ]

    def clean_transitional_ends_on(self) -> dt.date | None:
        day = self.cleaned_data.get("transitional_ends_on")
        if day and day <= timezone.localdate():
            raise forms.ValidationError("The end of transitional support must be in the future")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        element = data.get("supported_element")
        if element == NO_ELEMENT and not data.get("work_entry"):
            self.add_error(
                "supported_element",
                "Choose work entry, a supported-employment element, or both",
            )
        if data.get("transitional_ends_on") and element and element != "transitional":
            self.add_error(
                "transitional_ends_on",
                "Leave the end date empty unless the package has transitional support",
            )
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        element = data["supported_element"]
        return {
            "work_entry": data["work_entry"],
            "supported_element": "" if element == NO_ELEMENT else element,
            "transitional_ends_on": data.get("transitional_ends_on"),
            "reason": data["reason"],
        }


class PeopleListForm(forms.Form):
    """The filters of the "My people" and team lists (sent with GET: every field may be
    left as it is). The worker and team filters are for the team list only."""

    need_group = forms.ChoiceField(
        label="Need group", choices=[("", "Any need group"), *SupportReason.choices], required=False
    )
    stage = forms.ChoiceField(
        label="Stage", choices=[("", "Any stage"), *Stage.choices], required=False
    )
    team = forms.ChoiceField(label="Team", required=False)
    worker = forms.ChoiceField(label="Worker", required=False)
    package = forms.ChoiceField(
        label="Package", choices=[("", "Any package"), *PACKAGE_KINDS], required=False
    )
    no_contact_days = forms.IntegerField(
        label="No contact for at least this many days",
        help_text="For example, 30. Leave it empty to see everyone.",
        required=False,
        widget=forms.TextInput,
        min_value=1,
        max_value=3650,
        error_messages={
            "invalid": "Enter the number of days as a whole number, like 30",
            "min_value": "The number of days must be 1 or more",
            "max_value": "The number of days must be 3650 or fewer",
        },
    )

    def __init__(
        self, *args: Any, mine: bool, teams: list[Team], workers: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        team = self.fields["team"]
        worker = self.fields["worker"]
        assert isinstance(team, forms.ChoiceField) and isinstance(worker, forms.ChoiceField)
        if mine or len(teams) < 2:
            del self.fields["team"]
        else:
            team.choices = [("", "All my teams"), *[(str(t.pk), t.name) for t in teams]]
        if mine:
            del self.fields["worker"]
        else:
            worker.choices = [
                ("", "Anyone"),
                (NOT_ALLOCATED, "Not allocated"),
                *[(str(w.pk), str(w)) for w in workers],
            ]

    def filters(self) -> PeopleFilters:
        data = self.cleaned_data
        team = data.get("team")
        return PeopleFilters(
            need_group=data["need_group"],
            stage=data["stage"],
            worker=data.get("worker", ""),
            team_id=int(team) if team else None,
            package=data["package"],
            no_contact_days=data["no_contact_days"],
        )
