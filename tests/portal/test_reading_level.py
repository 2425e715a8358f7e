"""Every word the portal shows a person is held to easy read: a test reads each portal
template (not the staff pages about the portal) and each string in the portal modules a
person reads (their forms, the pages' own messages), and lists whatever fails.

The measures (textstat): no sentence longer than 15 words; each template's words
together at a Flesch reading ease of at least 70; and each longer string (6 words or
more) at least 60 on its own (a very short string, "My appointments", has too few words
for the formula to mean anything).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import textstat

ROOT = Path(__file__).resolve().parents[2] / "src" / "pathways"
TEMPLATES = ROOT / "templates" / "portal"
#: Portal modules whose strings staff, not people, read (or that hold no words at all).
NOT_READ_BY_PEOPLE = re.compile(
    r"^(staff_\w+|demo\w*|models|policy|services|selectors|apps|urls|pages|__init__)\.py$"
)
MAX_WORDS = 15
TEMPLATE_EASE = 70
STRING_EASE = 60
LONG_STRING = 6
#: What a template's ``{{ value }}`` reads as: a short, plain word.
VALUE = "Sam"


def _template_strings(source: str) -> list[str]:
    source = re.sub(r"{#.*?#}", " ", source, flags=re.S)
    source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", " ", source, flags=re.S)
    quoted = [
        m.group(1)
        for tag in re.findall(r"{%.*?%}", source, flags=re.S)
        for m in re.finditer(r'\b(?:text|label|hint|message)="([^"]+)"', tag)
    ]
    source = re.sub(r"{{.*?}}", VALUE, source, flags=re.S)
    source = re.sub(r"{%.*?%}", "\n", source, flags=re.S)
    source = re.sub(r"<[^>]*>", "\n", source, flags=re.S)
    lines = [" ".join(line.split()) for line in source.splitlines()]
    return [s for s in [*lines, *quoted] if re.search(r"[A-Za-z]{2,}", s)]


def _python_strings(source: str) -> list[str]:
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                part.value if isinstance(part, ast.Constant) else VALUE for part in node.values
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) in docstrings:
                continue
            text = node.value
        else:
            continue
        # Words a person reads start with a capital and have at least two words;
        # identifiers, paths and URL names do not.
        if re.match(r"^[A-Z][a-z']*\s+\S+", text) and "/" not in text.split()[0]:
            found.append(" ".join(text.split()))
    return found


def _sources() -> list[tuple[str, list[str]]]:
    sources = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "staff" in path.relative_to(TEMPLATES).parts:
            continue
        sources.append((str(path.relative_to(ROOT)), _template_strings(path.read_text())))
    for path in sorted((ROOT / "portal").rglob("*.py")):
        if {"management", "migrations"} & set(path.parts) or NOT_READ_BY_PEOPLE.match(path.name):
            continue
        sources.append((str(path.relative_to(ROOT)), _python_strings(path.read_text())))
    return [(name, strings) for name, strings in sources if strings]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9£'@.-]+", text))


def test_the_portal_has_words_to_read():
    names = [name for name, _ in _sources()]
    assert "templates/portal/home.html" in names
    assert "portal/forms.py" in names


def test_the_measures_catch_hard_words():
    """The test itself can fail: a staff-style sentence is caught."""
    hard = (
        "Notwithstanding the aforementioned considerations, the organisation's "
        "safeguarding responsibilities necessitate comprehensive documentation."
    )
    assert textstat.flesch_reading_ease(hard) < STRING_EASE
    assert (
        _words(
            "One two three four five six seven eight nine ten eleven twelve "
            "thirteen fourteen fifteen sixteen."
        )
        > MAX_WORDS
    )


@pytest.mark.parametrize("name,strings", _sources(), ids=lambda v: v if isinstance(v, str) else "")
def test_portal_words_are_easy_to_read(name, strings):
    # An example address is read as one word, not measured as a run of syllables.
    strings = [re.sub(r"\S+@\S+", VALUE, text) for text in strings]
    failures = []
    for text in strings:
        for sentence in _sentences(text):
            if _words(sentence) > MAX_WORDS:
                failures.append(f"more than {MAX_WORDS} words: {sentence!r}")
        if _words(text) >= LONG_STRING:
            ease = textstat.flesch_reading_ease(text)
            if ease < STRING_EASE:
                failures.append(f"reading ease {ease:.0f} < {STRING_EASE}: {text!r}")
    together = " ".join(s if s.rstrip().endswith((".", "!", "?")) else s + "." for s in strings)
    ease = textstat.flesch_reading_ease(together)
    if ease < TEMPLATE_EASE:
        failures.append(f"the whole of {name} reads at {ease:.0f} < {TEMPLATE_EASE}")
    assert not failures, f"{name} is not easy read:\n" + "\n".join(failures)
