"""Forms the person (or their supporter) fills in: their words, held to easy read."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.casework.models import Message
from pathways.core.forms import DatePartsField
from pathways.referrals.help_requests import clean_help_request
from pathways.referrals.models import CareAndSupport


class NewLinkForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        error_messages={
            "required": "Type your email address",
            "invalid": "Type your email address like this: name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class Radios(forms.RadioSelect):
    """Radios whose field links to its first choice, so the error list's link lands on it."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class ReminderForm(forms.Form):
    """Yes or no to an email the day before each appointment."""

    wanted = forms.TypedChoiceField(
        label="Do you want an email the day before?",
        choices=[("yes", "Yes, send me an email"), ("no", "No, thank you")],
        coerce=lambda value: value == "yes",
        widget=Radios,
        error_messages={"required": "Choose yes or no", "invalid_choice": "Choose yes or no"},
    )


# --- How is it going? (feedback) --------------------------------------------------------


class FeedbackForm(forms.Form):
    """Three pictures to choose from, and words if the person wants to say more."""

    feeling = forms.ChoiceField(
        label="How do you feel about your support?",
        choices=[("happy", "Happy"), ("okay", "Okay"), ("not_happy", "Not happy")],
        error_messages={
            "required": "Choose a picture: happy, okay or not happy",
            "invalid_choice": "Choose a picture: happy, okay or not happy",
        },
        widget=Radios,
    )
    words = forms.CharField(
        label="Do you want to tell us more?",
        required=False,
        max_length=2000,
        error_messages={"max_length": "Write less. You can write 2000 letters at most."},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    about = forms.CharField(required=False, widget=forms.HiddenInput, max_length=60)


# --- Ask for help to find work (the public form) and I want help again ---------------


class BirthdayField(DatePartsField):
    """A date of birth in three boxes, with messages that say what to type."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label_for_errors="date of birth", **kwargs)
        self.error_messages["incomplete"] = "Type the day, month and year you were born."
        for part in self.fields:
            part.error_messages["incomplete"] = self.error_messages["incomplete"]
            part.error_messages["invalid"] = "Type your date of birth in numbers, like 27 3 1990."

    def compress(self, data_list: Any) -> Any:
        try:
            return super().compress(data_list)
        except forms.ValidationError:
            raise forms.ValidationError(
                "Type your date of birth in numbers, like 27 3 1990."
            ) from None


class AskForHelpForm(forms.Form):
    """What someone with no account tells us when they ask for help to find work. The
    answers are checked by the front door (``referrals.help_requests``); this form
    only reads them in. ``website`` is hidden from people: programs fill it in."""

    given_name = forms.CharField(label="Your first name", required=False)
    family_name = forms.CharField(label="Your last name", required=False)
    email = forms.CharField(
        label="Your email address",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="Your phone number",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    date_of_birth = BirthdayField(label="Your date of birth", required=False)
    postcode = forms.CharField(label="Your postcode", required=False)
    wants = forms.CharField(
        label="What work or help do you want?", required=False, widget=forms.Textarea
    )
    care_and_support = forms.ChoiceField(
        label="Do you get care and support from the council?",
        required=False,
        choices=CareAndSupport.choices,
        widget=forms.RadioSelect,
    )
    website = forms.CharField(required=False)
    form_started = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        """Every answer to fix at once: the front door's checks beside a date that
        could not be read."""
        data = super().clean() or {}
        try:
            clean_help_request(data)
        except forms.ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        return data


class HelpAgainForm(forms.Form):
    words = forms.CharField(
        label="What do you want help with?", required=False, widget=forms.Textarea
    )


class MessageForm(forms.Form):
    """A message to the coach ("Messages")."""

    text = forms.CharField(
        label="Your message",
        max_length=Message.MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Type your message.",
            "max_length": "Your message is too long. Make it shorter.",
        },
    )


class JobAnswerForm(forms.Form):
    """The person's answer to a job their coach shared: one of three big buttons."""

    answer = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No"), ("later", "Later")],
        error_messages={
            "required": "Press one of the three buttons",
            "invalid_choice": "Press one of the three buttons",
        },
    )
