"""``{% icon "name" "text" %}``: one of the portal's own icons beside an idea. The text
is the picture's alternative; pass "" only when the words beside it say the same."""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def icon(name: str, text: str = "") -> str:
    return format_html(
        '<img src="{}" alt="{}" class="app-portal-icon" width="48" height="48">',
        static(f"portal/icons/{name}.svg"),
        text,
    )
