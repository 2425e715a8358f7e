"""Files built to hurt: a workbook that claims a million rows, a file that takes too
long, a NUL or another control character in a cell. Each is refused quickly, at the row
a user can find, and changes nothing."""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from openpyxl import Workbook

from pathways.core.models import Authority
from pathways.people.models import Person
from tests.imports.conftest import csv_text

pytestmark = pytest.mark.django_db

PEOPLE_HEADER = "authority,person_ref,given_name,family_name,date_of_birth"


def workbook_bytes(*rows: list, far_cells: tuple[str, ...] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for coordinate in far_cells:
        sheet[coordinate] = "x"
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def with_dimension(data: bytes, ref: str) -> bytes:
    """The same workbook with its first sheet claiming the extent ``ref``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = content.decode()
                start = text.index("<dimension ref=")
                end = text.index("/>", start) + 2
                content = (text[:start] + f'<dimension ref="{ref}"/>' + text[end:]).encode()
            target.writestr(item, content)
    return out.getvalue()


class TestHugeWorkbooks:
    def test_one_cell_at_the_last_row_and_column_is_refused_in_seconds(self, run, authority):
        data = workbook_bytes(
            ["code", "name"], ["E09000030", "Tower Hamlets"], far_cells=("XFD1048576",)
        )
        assert len(data) < 10_000

        started = time.monotonic()
        result = run("authorities", data, name="authorities.xlsx")

        assert time.monotonic() - started < 5
        assert result.status == 1
        assert result.err == [
            f"{result.file}:200002: (file): the file has more than 200,000 rows after the "
            "header; one import can take at most 200,000, so split the file",
            "1 errors, nothing imported",
        ]
        assert not Authority.objects.filter(code="E09000030").exists()

    def test_the_row_limit_is_a_setting(self, run, settings, authority):
        settings.PATHWAYS_IMPORT_MAX_ROWS = 2
        header, *rows = [["code", "name"]] + [[f"E0{i}", f"Place {i}"] for i in range(3)]
        result = run("authorities", workbook_bytes(header, *rows), name="authorities.xlsx")
        assert result.err[0] == (
            f"{result.file}:4: (file): the file has more than 2 rows after the header; "
            "one import can take at most 2, so split the file"
        )
        assert Authority.objects.count() == 1  # only the fixture's

        settings.PATHWAYS_IMPORT_MAX_ROWS = 3
        assert run("authorities", workbook_bytes(header, *rows), name="a.xlsx").status == 0

    def test_a_csv_over_the_row_limit_is_refused_too(self, run, settings):
        settings.PATHWAYS_IMPORT_MAX_ROWS = 1
        result = run("authorities", csv_text("code,name", "E01,One", "E02,Two"))
        assert result.err[0].startswith(f"{result.file}:3: (file): the file has more than 1 rows")
        assert not Authority.objects.exists()

    def test_a_declared_extent_of_the_whole_sheet_is_not_believed(self, run):
        data = with_dimension(
            workbook_bytes(["code", "name"], ["E09000030", "Tower Hamlets"]), "A1:XFD1048576"
        )
        started = time.monotonic()
        result = run("authorities", data, name="authorities.xlsx")
        assert time.monotonic() - started < 5
        assert result.status == 0, result.err
        assert result.last == "imported: 1 created, 0 updated, 0 unchanged"

    def test_cells_to_the_right_of_the_last_named_column_are_not_read(self, run, authority):
        far = tuple(f"XFD{line}" for line in range(2, 302))
        rows = [[f"E{i}", "x"] for i in range(300)]
        data = workbook_bytes(["code", "name"], *rows, far_cells=far)
        started = time.monotonic()
        result = run("authorities", data, name="authorities.xlsx")
        assert time.monotonic() - started < 5
        assert result.status == 0, result.err[:3]
        assert result.last == "imported: 300 created, 0 updated, 0 unchanged"

    def test_a_value_under_a_blank_column_name_is_still_refused(self, run, authority):
        data = workbook_bytes(["code", None, "name"], ["E01", "stray", "One"])
        result = run("authorities", data, name="authorities.xlsx")
        assert result.err[0] == (
            f"{result.file}:2: column 2: this cell has a value but its column has no name"
        )

    def test_a_workbook_that_unpacks_to_too_much_is_refused(self, run, settings):
        settings.PATHWAYS_IMPORT_MAX_UNPACKED_BYTES = 50_000
        data = workbook_bytes(["code", "name"], *[[f"E{i}", "x" * 50] for i in range(2000)])
        result = run("authorities", data, name="authorities.xlsx")
        assert result.err[0].startswith(
            f"{result.file}:1: (file): the workbook unpacks to more than 50,000 bytes"
        )
        assert not Authority.objects.exists()


class TestTimeLimit:
    def test_an_import_over_its_time_limit_stops_and_changes_nothing(self, run, settings):
        settings.PATHWAYS_IMPORT_TIME_LIMIT = 0
        result = run("authorities", csv_text("code,name", "E01,One", "E02,Two"))
        assert result.status == 1
        assert result.err == [
            f"{result.file}:2: (file): the import stopped after 0 seconds at row 2, so "
            "nothing was imported; split the file into smaller ones, or ask the operator "
            "to raise PATHWAYS_IMPORT_TIME_LIMIT",
            "1 errors, nothing imported",
        ]
        assert not Authority.objects.exists()

    def test_within_the_limit_the_import_runs(self, run, settings):
        settings.PATHWAYS_IMPORT_TIME_LIMIT = 60
        assert run("authorities", csv_text("code,name", "E01,One")).status == 0


class TestControlCharacters:
    def test_a_nul_in_a_csv_cell_is_reported_at_its_row_and_column(self, run, authority):
        content = csv_text(
            PEOPLE_HEADER,
            "E09000025,C1,Sam,Patel,1990-01-01",
            '"E09000025","C2","Ola ""Jo""\nAde","Ade",1985-01-01',
            "E09000025,C3,Kim,Le\x00e,1970-01-01",
        )
        result = run("people", content)
        assert result.status == 1
        assert result.err == [
            f"{result.file}:4: family_name: contains a NUL character (U+0000), which no "
            "field may hold; delete it and save the file again",
            "1 errors, nothing imported",
        ]
        assert not Person.objects.exists()

    def test_a_nul_in_a_column_name_is_reported(self, run):
        result = run("authorities", "code,na\x00me\nE01,One\n")
        assert result.err[0] == (
            f"{result.file}:1: column 2: contains a NUL character (U+0000), which no "
            "field may hold; delete it and save the file again"
        )

    def test_control_characters_in_xlsx_cells_are_reported(self, run, authority):
        # openpyxl refuses to write control characters, as Excel does; a hostile file
        # carries them in the escaped form the format defines (_x0007_ is BEL).
        data = workbook_bytes(
            PEOPLE_HEADER.split(","),
            ["E09000025", "C1", "Sam", "Patel", "1990-01-01"],
            ["E09000025", "C2", "Ola_x0007_", "Ade", "1985-01-01"],
            ["E09000025", "C3", "Kim", "Lee_x0000_", "1970-01-01"],
        )
        result = run("people", data, name="people.xlsx")
        assert result.err == [
            f"{result.file}:3: given_name: contains a control character (U+0007), which "
            "no field may hold; delete it and save the file again",
            f"{result.file}:4: family_name: contains a NUL character (U+0000), which no "
            "field may hold; delete it and save the file again",
            "2 errors, nothing imported",
        ]
        assert not Person.objects.exists()

    def test_tabs_and_line_breaks_in_a_cell_are_still_text(self, run, authority):
        content = csv_text(PEOPLE_HEADER, '"E09000025","C1","Sam\tJo","Pa\ntel",1990-01-01')
        result = run("people", content)
        assert result.status == 0, result.err
