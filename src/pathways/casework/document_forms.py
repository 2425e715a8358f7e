"""Forms of the document pages: upload a document, delete one with a reason. They parse
input; ``casework.documents`` checks the file and decides."""

from __future__ import annotations

from typing import Any

from django import forms

from pathways.casework.documents import TITLE_LENGTH
from pathways.casework.models import DocumentKind
from pathways.core.files import too_large

#: What the file field says it takes (the check is by content, whatever this says).
ACCEPT = (
    ".pdf,.docx,.xlsx,.odt,.png,.jpg,.jpeg,.txt,.csv,application/pdf,image/png,image/jpeg,"
    "text/plain,application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    "application/vnd.oasis.opendocument.text"
)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=DocumentKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of document it is"},
    )
    title = forms.CharField(
        label="Title",
        max_length=TITLE_LENGTH,
        help_text="So others know what it is, for example Signed consent form, 3 March 2026",
        error_messages={"required": "Enter a title, for example CV, March 2026"},
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="A PDF, Word document, spreadsheet, picture (PNG or JPEG) or text file",
        allow_empty_file=True,  # the service says an empty file is empty, in its words
        error_messages={"required": "Select a file to upload"},
    )

    def __init__(self, *args: Any, refused_limit: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if refused_limit is not None:  # stopped as it streamed in: no file arrived
            field = self.fields["file"]
            field.error_messages = {**field.error_messages, "required": too_large(refused_limit)}


class DeleteDocumentForm(forms.Form):
    reason = forms.CharField(
        label="Why are you deleting it?",
        widget=forms.Textarea,
        max_length=1000,
        help_text=(
            "For example, uploaded to the wrong person. This is kept on the record's audit trail"
        ),
        error_messages={"required": "Say why the document is being deleted"},
    )
