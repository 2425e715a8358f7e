"""Forms the person (or their supporter) fills in: their words, held to easy read."""

from __future__ import annotations

from django import forms


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


class PictureChoice(forms.RadioSelect):
    """Radios whose error link goes to the first choice (Django links to none)."""

    def id_for_label(self, id_: str, index: str | None = "0") -> str:
        return f"{id_}_{index}" if id_ and index is not None else ""


class FeedbackForm(forms.Form):
    """Three pictures to choose from, and words if the person wants to say more."""

    feeling = forms.ChoiceField(
        label="How do you feel about your support?",
        choices=[("happy", "Happy"), ("okay", "Okay"), ("not_happy", "Not happy")],
        error_messages={
            "required": "Choose a picture: happy, okay or not happy",
            "invalid_choice": "Choose a picture: happy, okay or not happy",
        },
        widget=PictureChoice,
    )
    words = forms.CharField(
        label="Do you want to tell us more?",
        required=False,
        max_length=2000,
        error_messages={"max_length": "Write less. You can write 2000 letters at most."},
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    about = forms.CharField(required=False, widget=forms.HiddenInput, max_length=60)


class JobAnswerForm(forms.Form):
    """The person's answer to a job their coach shared: one of three big buttons."""

    answer = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No"), ("later", "Later")],
        error_messages={
            "required": "Press one of the three buttons",
            "invalid_choice": "Press one of the three buttons",
        },
    )
