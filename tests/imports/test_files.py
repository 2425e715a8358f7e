"""The common rules of every import: reading the file, reporting problems, all or nothing,
upserts, dry runs, the audit trail and the command's exit status."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import subprocess
import sys
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from pathways.core.models import Authority
from pathways.people.models import CareCost, Person
from tests.command_line import server_env
from tests.factories import PersonFactory
from tests.imports.conftest import csv_text

pytestmark = pytest.mark.django_db

PEOPLE_HEADER = "authority,person_ref,given_name,family_name,date_of_birth"


def import_entries():
    return LogEntry.objects.filter(additional_data__what__startswith="import of ")


class TestReadingFiles:
    def test_byte_order_mark_and_header_spelling_are_tolerated(self, run):
        result = run("authorities", "\ufeff Code ,NAME\nE09000025,Newham\n")
        assert result.status == 0, result.err
        assert result.last == "imported: 1 created, 0 updated, 0 unchanged"
        assert Authority.objects.get(code="E09000025").name == "Newham"

    def test_xlsx_first_sheet_with_date_and_number_cells(self, run, authority):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(["Authority", "person_ref", "given_name", "family_name", "date_of_birth"])
        sheet.append(["E09000025", 123456, "Sam", "Patel", dt.date(1990, 4, 3)])
        sheet.append([])  # a blank row in the middle is skipped
        sheet.append(["E09000025", "C2", "Ola", "Ade", "27/03/1985"])
        workbook.create_sheet("Notes").append(["not", "read"])
        data = io.BytesIO()
        workbook.save(data)

        result = run("people", data.getvalue(), name="people.xlsx")

        assert result.status == 0, result.err
        assert result.last == "imported: 2 created, 0 updated, 0 unchanged"
        assert Person.objects.get(person_ref="123456").date_of_birth == dt.date(1990, 4, 3)
        assert Person.objects.get(person_ref="C2").date_of_birth == dt.date(1985, 3, 27)

    def test_xlsx_problems_use_the_spreadsheet_row_numbers(self, run, authority):
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(PEOPLE_HEADER.split(","))
        sheet.append(["E09000025", "C1", "Sam", "Patel", "1990-01-01"])
        sheet.append(["E09000025", "C2", "Ola", "Ade", "not a date"])
        data = io.BytesIO()
        workbook.save(data)

        result = run("people", data.getvalue(), name="people.xlsx")

        assert result.status == 1
        assert result.err[0].startswith(f"{result.file}:3: date_of_birth: 'not a date'")
        assert not Person.objects.exists()

    def test_day_month_year_is_read_the_uk_way(self, run, authority):
        person = PersonFactory(authority=authority, person_ref="C1")
        result = run(
            "care_costs",
            csv_text(
                "authority,person_ref,effective_from,weekly_cost",
                "E09000025,C1,03/04/2025,612.50",
                "E09000025,C1,2025-05-01,700",
            ),
        )
        assert result.status == 0, result.err
        dates = list(
            CareCost.objects.filter(person=person).values_list("effective_from", flat=True)
        )
        assert dates == [dt.date(2025, 4, 3), dt.date(2025, 5, 1)]

    def test_us_month_first_date_is_refused(self, run, authority):
        result = run("people", csv_text(PEOPLE_HEADER, "E09000025,C1,Sam,Patel,12/31/1990"))
        assert result.err == [
            f"{result.file}:2: date_of_birth: '12/31/1990' is not a real date",
            "1 errors, nothing imported",
        ]

    def test_text_that_is_not_utf8_is_refused_with_its_line(self, run, authority):
        content = csv_text(PEOPLE_HEADER, "E09000025,C1,Sam,Patel,1990-01-01").encode()
        content += "E09000025,C2,Zoé,Martin,1990-01-01\n".encode("cp1252")
        result = run("people", content)
        assert result.status == 1
        assert result.err[0].startswith(f"{result.file}:3: (file): the file is not UTF-8")
        assert not Person.objects.exists()

    def test_semicolon_separated_file_gets_a_hint(self, run):
        result = run("authorities", "code;name\nE09000025;Newham\n")
        assert result.err[0] == (
            f"{result.file}:1: (file): the columns are separated by semicolons; "
            "save the file as 'CSV UTF-8 (Comma delimited)'"
        )

    def test_blank_rows_are_skipped_but_keep_their_line_numbers(self, run, authority):
        result = run(
            "people",
            csv_text(
                PEOPLE_HEADER, "E09000025,C1,Sam,Patel,1990-01-01", ",,,,", "E09000025,C2,Ola"
            ),
        )
        assert result.err[0] == f"{result.file}:4: family_name: required, but blank"


class TestProblemsWriteNothing:
    def test_unknown_column(self, run, authority):
        result = run(
            "people",
            csv_text(PEOPLE_HEADER + ",shoe_size", "E09000025,C1,Sam,Patel,1990-01-01,9"),
        )
        assert result.status == 1
        assert result.err[0].startswith(f"{result.file}:1: shoe_size: unknown column;")
        assert result.last == "1 errors, nothing imported"
        assert not Person.objects.exists()

    def test_missing_required_column(self, run, authority):
        result = run(
            "people",
            csv_text("authority,person_ref,given_name,family_name", "E09000025,C1,Sam,Patel"),
        )
        assert result.err == [
            f"{result.file}:1: date_of_birth: required column is missing",
            "1 errors, nothing imported",
        ]
        assert not Person.objects.exists()

    def test_duplicate_key_names_both_lines(self, run, authority):
        result = run(
            "people",
            csv_text(
                PEOPLE_HEADER,
                "E09000025,C1,Sam,Patel,1990-01-01",
                "E09000025,C2,Ola,Ade,1985-01-01",
                "E09000025,C1,Samuel,Patel,1990-01-01",
            ),
        )
        assert result.err == [
            f"{result.file}:4: person_ref: E09000025 C1 is also on line 2; "
            "each record may appear only once",
            "1 errors, nothing imported",
        ]
        assert not Person.objects.exists()

    def test_every_problem_is_reported_in_line_order_and_good_rows_are_not_written(
        self, run, authority
    ):
        result = run(
            "people",
            csv_text(
                PEOPLE_HEADER + ",postcode",
                "E09000025,C1,Sam,Patel,1990-01-01,E15 1AB",
                "E09000025,C2,Ola,Ade,31/02/1985,E15 1AB",
                "E09099999,C3,Kim,Lee,1970-01-01,ZZ9 9ZZZ",
            ),
        )
        assert result.status == 1
        assert result.err == [
            f"{result.file}:3: date_of_birth: '31/02/1985' is not a real date",
            f"{result.file}:4: postcode: 'ZZ9 9ZZZ' is not a UK postcode",
            f"{result.file}:4: authority: no authority has the code 'E09099999'",
            "3 errors, nothing imported",
        ]
        assert result.out == []
        assert not Person.objects.exists()


class TestUpserts:
    CONTENT = csv_text(
        PEOPLE_HEADER + ",postcode",
        "E09000025,C1,Sam,Patel,1990-01-01,e15 1ab",
        "E09000025,C2,Ola,Ade,1985-01-01,",
    )

    def test_importing_the_same_file_twice_changes_nothing_the_second_time(self, run, authority):
        first = run("people", self.CONTENT)
        second = run("people", self.CONTENT)
        assert first.last == "imported: 2 created, 0 updated, 0 unchanged"
        assert second.last == "imported: 0 created, 0 updated, 2 unchanged"
        assert Person.objects.count() == 2
        assert Person.objects.get(person_ref="C1").version == 1

    def test_changed_rows_are_updated_and_counted(self, run, authority):
        run("people", self.CONTENT)
        result = run(
            "people",
            csv_text(
                PEOPLE_HEADER + ",postcode",
                "E09000025,C1,Samuel,Patel,1990-01-01,E15 1AB",
                "E09000025,C2,Ola,Ade,1985-01-01,",
                "E09000025,C3,Kim,Lee,1970-01-01,",
            ),
        )
        assert result.last == "imported: 1 created, 1 updated, 1 unchanged"
        sam = Person.objects.get(person_ref="C1")
        assert sam.given_name == "Samuel" and sam.version == 2

    def test_a_column_left_out_keeps_the_stored_value_and_a_blank_cell_clears_it(
        self, run, authority
    ):
        run("people", self.CONTENT)
        assert run("people", csv_text(PEOPLE_HEADER, "E09000025,C1,Sam,Patel,1990-01-01")).last == (
            "imported: 0 created, 0 updated, 1 unchanged"
        )
        assert Person.objects.get(person_ref="C1").postcode == "E15 1AB"
        run("people", csv_text(PEOPLE_HEADER + ",postcode", "E09000025,C1,Sam,Patel,1990-01-01,"))
        assert Person.objects.get(person_ref="C1").postcode == ""


class TestDryRun:
    def test_dry_run_reports_each_change_and_writes_nothing(self, run, authority):
        PersonFactory(
            authority=authority,
            person_ref="C2",
            given_name="Ola",
            family_name="Ade",
            date_of_birth=dt.date(1985, 1, 1),
        )
        result = run(
            "people",
            csv_text(
                PEOPLE_HEADER,
                "E09000025,C1,Sam,Patel,1990-01-01",
                "E09000025,C2,Olu,Ade,1985-01-01",
            ),
            "--dry-run",
        )
        assert result.status == 0
        assert result.out == [
            f"{result.file}:2: create E09000025 C1",
            f"{result.file}:3: update E09000025 C2 (given_name)",
            "dry run: would import: 1 created, 1 updated, 0 unchanged",
        ]
        assert Person.objects.count() == 1
        assert Person.objects.get().given_name == "Ola"
        assert not import_entries().exists()

    def test_dry_run_with_problems_exits_1(self, run, authority):
        result = run("people", csv_text(PEOPLE_HEADER, "E09000025,C1,Sam,Patel,soon"), "--dry-run")
        assert result.status == 1
        assert result.last == "1 errors, nothing imported"


class TestAudit:
    def test_import_is_recorded_with_who_file_name_sha256_and_counts(self, run, authority, admin):
        content = csv_text(PEOPLE_HEADER, "E09000025,C1,Sam,Patel,1990-01-01")
        result = run("people", content, "--as", "ADMIN@example.org")
        assert result.status == 0
        entry = import_entries().get()
        assert entry.actor == admin
        assert entry.additional_data["file_name"] == "people.csv"
        assert entry.additional_data["sha256"] == hashlib.sha256(content.encode()).hexdigest()
        assert entry.additional_data["counts"] == {"created": 1, "updated": 0, "unchanged": 0}
        assert entry.additional_data["channel"] == "cli"
        # The person's own trail says who created the record, in the same import.
        created = LogEntry.objects.get_for_object(Person.objects.get())
        assert created.get().actor == admin
        assert created.get().cid == entry.cid

    def test_without_as_the_operator_is_recorded(self, run, authority):
        run("authorities", csv_text("code,name", "E09000025,Newham", "E09000030,Tower Hamlets"))
        entry = import_entries().get()
        assert entry.actor is None and entry.actor_email == "operator"
        assert entry.additional_data["counts"] == {"created": 1, "updated": 0, "unchanged": 1}
        created = LogEntry.objects.get_for_object(Authority.objects.get(code="E09000030")).get()
        assert created.actor_email == "operator" and created.cid == entry.cid

    def test_a_refused_import_is_recorded_too(self, run, authority):
        run("people", csv_text(PEOPLE_HEADER, "E09000025,C1,Sam,Patel,never"))
        entry = import_entries().get()
        assert entry.additional_data["outcome"] == "refused"
        assert entry.additional_data["errors"] == 1
        assert not Person.objects.exists()


class TestCommandLine:
    def test_unknown_kind(self, write_file):
        path = write_file("x.csv", "code,name\n")
        with pytest.raises(CommandError, match="unknown kind .widgets.; choose one of"):
            call_command("import", "widgets", str(path))

    def test_missing_file(self, tmp_path):
        with pytest.raises(CommandError, match="cannot read .*nope.csv: No such file"):
            call_command("import", "people", str(tmp_path / "nope.csv"))

    def test_as_must_name_an_active_staff_member(self, write_file, coach):
        path = write_file("a.csv", "code,name\nE1,One\n")
        with pytest.raises(CommandError, match="no active staff member"):
            call_command("import", "authorities", str(path), "--as", "nobody@example.org")
        coach.is_active = False
        coach.save()
        with pytest.raises(CommandError, match="no active staff member"):
            call_command("import", "authorities", str(path), "--as", coach.email)
        assert not Authority.objects.filter(code="E1").exists()

    def test_the_installed_command_exits_non_zero_with_one_line_on_stderr(self, tmp_path):
        """The real `pathways` program; every refusal before reading the file (kind, file,
        --as) goes the same way, and the in-process tests check each message."""
        pathways = Path(sys.executable).parent / "pathways"
        env = server_env(DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}")
        (tmp_path / "a.csv").write_text("code,name\nE09000025,Newham\n")

        unknown = subprocess.run(
            [str(pathways), "import", "widgets", "a.csv"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert unknown.returncode == 1
        assert unknown.stderr.strip().splitlines() == [
            "CommandError: unknown kind 'widgets'; choose one of: authorities, teams, staff, "
            "people, care_costs, referrals, episodes, profiles, opportunities, placements, "
            "providers, contracts, tariffs, purchases, targets"
        ]
        assert unknown.stdout == ""

    def test_problems_go_to_stderr_and_the_exit_status_is_1(self, run, authority):
        result = run("authorities", csv_text("code,title", "E1,One"))
        assert result.status == 1
        assert result.out == []
        assert result.err == [
            f"{result.file}:1: title: unknown column; the columns for authorities are code, name",
            f"{result.file}:1: name: required column is missing",
            "2 errors, nothing imported",
        ]
