"""What the employer sub-domains' pages share: running a service for a valid form and
putting its refusal on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from pathways.core.errors import ActionRefused, ConcurrentEdit
from pathways.core.forms import add_service_errors


def _attempt(form: forms.Form, perform: Callable[[], Any]) -> tuple[Any, int]:
    """Run a service for a valid form: (result, 200), or (None, status) with the
    refusal on the form (409 when someone else changed the record first)."""
    try:
        return perform(), 200
    except ConcurrentEdit as exc:
        form.add_error(None, exc.message)
        return None, 409
    except ActionRefused as exc:
        form.add_error(None, exc.message)
    except ValidationError as exc:
        add_service_errors(form, exc)
    return None, 400
