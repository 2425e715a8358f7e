"""Django's own error messages are in the service's plain words
(src/pathways/core/locale/en_GB: Django's wording named the limit as "Ensure this value
has at most 200 characters (it has 10000)" and a web address as "Enter a valid URL.")."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.urls import reverse

import pathways.core

CATALOGUE = Path(pathways.core.__file__).parent / "locale" / "en_GB" / "LC_MESSAGES"


def _entries() -> list[tuple[str, str | None, list[str]]]:
    """(msgid, msgid_plural, msgstrs) of our .po file, which keeps to the simple forms."""

    def text(block: str, key: str) -> str | None:
        found = re.search(rf'^{re.escape(key)} ((?:".*"\n?)+)', block, re.M)
        if not found:
            return None
        return "".join(re.findall(r'"(.*)"', found.group(1))).encode().decode("unicode_escape")

    out = []
    for block in (CATALOGUE / "django.po").read_text().split("\n\n"):
        msgid = text(block, "msgid")
        if not msgid:
            continue  # the header
        plural = text(block, "msgid_plural")
        strs = (
            [text(block, "msgstr")]
            if plural is None
            else [text(block, "msgstr[0]"), text(block, "msgstr[1]")]
        )
        out.append((msgid, plural, [s or "" for s in strs]))
    return out


def test_the_compiled_catalogue_says_what_the_po_file_says():
    """After editing django.po, django.mo must be compiled again (msgfmt)."""
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    entries = _entries()
    assert len(entries) >= 15
    for msgid, plural, strs in entries:
        assert strs[0] and strs[0] != msgid, msgid
        if plural is None:
            assert compiled.gettext(msgid) == strs[0]
        else:
            assert compiled.ngettext(msgid, plural, 1) == strs[0]
            assert compiled.ngettext(msgid, plural, 2) == strs[1]


@pytest.mark.django_db
def test_a_form_names_the_limit_and_the_format_in_plain_words(client, coach):
    client.force_login(coach)
    response = client.post(
        reverse("employers:employer-new"), {"name": "x" * 10_000, "website": "not a web address"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "This must be 200 characters or fewer (it has 10000)." in page
    assert "Enter a web address in the correct format, like https://www.example.org" in page
    assert "Ensure this value" not in page and "Enter a valid URL" not in page
