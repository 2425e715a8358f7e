"""Helpers for the import tests: write a file, run `pathways import` on it, read the result."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from pathways.core.models import Role
from tests.factories import staff


@dataclass
class Result:
    """What a user sees: the exit status and the lines on stdout and stderr."""

    file: str
    status: int
    out: list[str]
    err: list[str]

    @property
    def last(self) -> str:
        return (self.err or self.out)[-1]


def csv_text(*lines: str) -> str:
    return "\n".join(lines) + "\n"


@pytest.fixture
def write_file(tmp_path):
    def write(name: str, content: str | bytes):
        path = tmp_path / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture
def run(write_file):
    """Run `pathways import KIND FILE ...` in-process, as an operator would."""

    def run_import(kind: str, content: str | bytes, *args: str, name: str | None = None):
        path = write_file(name or f"{kind}.csv", content)
        out, err = io.StringIO(), io.StringIO()
        status = 0
        try:
            call_command("import", kind, str(path), *args, stdout=out, stderr=err)
        except SystemExit as exc:
            status = int(exc.code or 0)
        return Result(str(path), status, out.getvalue().splitlines(), err.getvalue().splitlines())

    return run_import


@pytest.fixture
def admin(team):
    return staff(Role.ADMIN, team, email="admin@example.org")
