"""Imports at scale (issue 15): a big file is streamed and written a batch at a time,
still all or nothing, in memory that does not grow with the file, with progress on the
command line and, for a long upload, on its page while it runs on the task queue."""

from __future__ import annotations

import gc
import io
import re
import tracemalloc
from pathlib import Path

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections

from pathways.core import import_tasks, import_views, importing
from pathways.core.importing import running
from pathways.core.models import ImportRun, Role
from pathways.people.models import Person
from tests.factories import staff

HEADER = "authority,person_ref,given_name,family_name,date_of_birth,postcode,conditions"
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def people(n: int, *, bad_line: int | None = None) -> str:
    """A people file of ``n`` rows; the row on ``bad_line`` (as a spreadsheet numbers
    it) has a date of birth that is not a date."""
    lines = [HEADER]
    for i in range(n):
        born = "1990-13-45" if bad_line == i + 2 else f"19{50 + i % 50}-0{1 + i % 9}-1{i % 10}"
        lines.append(f"E09000025,C{i:06d},Sam{i},Patel,{born},E15 1AB,autism")
    return "\n".join(lines) + "\n"


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of 100 rows, so a file of a few hundred is written in several."""
    monkeypatch.setattr(running, "BATCH_ROWS", 100)


def run_command(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("import", "people", str(path), *args, stdout=out, stderr=err)
    except SystemExit as exc:
        status = int(exc.code or 0)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.django_db
class TestAllOrNothing:
    def test_a_bad_row_late_in_a_big_file_leaves_nothing_written(
        self, tmp_path, authority, small_batches
    ):
        path = tmp_path / "people.csv"
        path.write_text(people(750, bad_line=750))  # batches 1 to 7 had no problem
        status, out, err = run_command(path)
        assert status == 1
        assert err.splitlines() == [
            f"{path}:750: date_of_birth: '1990-13-45' is not a real date",
            "1 errors, nothing imported",
        ]
        assert not Person.objects.exists()
        assert not LogEntry.objects.filter(
            content_type__model="person", action=LogEntry.Action.CREATE
        ).exists()
        refused = LogEntry.objects.get(additional_data__what="import of people from people.csv")
        assert refused.additional_data["outcome"] == "refused"

    def test_a_duplicate_key_batches_apart_is_found(self, tmp_path, authority, small_batches):
        text = people(300) + "E09000025,C000007,Sam,Patel,1990-01-01,,\n"
        path = tmp_path / "people.csv"
        path.write_text(text)
        status, _, err = run_command(path)
        assert status == 1
        assert err.splitlines()[0] == (
            f"{path}:302: person_ref: E09000025 C000007 is also on line 9; "
            "each record may appear only once"
        )
        assert not Person.objects.exists()

    def test_a_big_file_is_imported_whole_and_again_changes_nothing(
        self, tmp_path, authority, small_batches
    ):
        path = tmp_path / "people.csv"
        path.write_text(people(450))
        assert (
            run_command(path)[1].splitlines()[-1] == "imported: 450 created, 0 updated, 0 unchanged"
        )
        assert Person.objects.count() == 450
        assert run_command(path)[1].splitlines()[-1] == (
            "imported: 0 created, 0 updated, 450 unchanged"
        )

    def test_a_person_inserted_in_a_batch_is_audited_as_if_saved_alone(self, authority):
        csv = "authority,person_ref,given_name,family_name,date_of_birth,conditions\n"
        importing.run_import(
            importing.kinds()["people"],
            "people.csv",
            (csv + "E09000025,C1,Sam,Patel,1990-01-01,autism\n").encode(),
        )
        imported = Person.objects.get(person_ref="C1")
        alone = Person.objects.create(
            authority=authority,
            person_ref="C2",
            given_name="Sam",
            family_name="Patel",
            date_of_birth=imported.date_of_birth,
            conditions=["autism"],
            created_at=imported.created_at,
        )

        def changes(person):
            entry = LogEntry.objects.get(
                content_type__model="person", object_pk=str(person.pk), action=0
            )
            return {k: v for k, v in entry.changes.items() if k not in ("id", "person_ref")}

        assert changes(imported) == changes(alone)


@pytest.mark.django_db
def test_people_inserted_together_are_the_rows_and_entries_of_people_saved_alone(
    authority, team, small_batches
):
    """The batch path (COPY on PostgreSQL, each entry's values worked out without a
    model or a signal of its own) writes the same person rows, and the same CREATE
    entries, as saving each person alone with django-auditlog's own signal."""
    admin = staff(Role.ADMIN, team, email="admin@example.org")
    lines = [
        "authority,person_ref,given_name,family_name,date_of_birth,postcode,latitude,"
        "longitude,primary_support_reason,conditions,long_term_support,ehc_plan,email,phone"
    ]
    lines += [
        f"E09000025,C{i:03d},Sam{i},O'Neil,1990-01-{1 + i % 28:02d},,,,,,,,,"
        for i in range(150)  # two batches
    ]
    lines += [
        "E09000025,C900,Aisha,Khan,12/03/1985,e15 1ab,51.5416,-0.0035,mental_health,"
        "autism;learning_disability,yes,no,Aisha@Example.org,07700 900123",
    ]
    outcome = importing.run_import(
        importing.kinds()["people"],
        "people.csv",
        ("\n".join(lines) + "\n").encode(),
        actor=admin,
        remote_addr="10.0.0.7",
        channel="web",
    )
    assert outcome.ok and outcome.counts["created"] == 151
    imported = list(Person.objects.order_by("pk"))

    own = [f.attname for f in Person._meta.concrete_fields if f.attname not in ("id",)]
    with set_actor(admin, remote_addr="10.0.0.7"):
        alone = [
            Person.objects.create(
                **{name: getattr(p, name) for name in own if name != "person_ref"},
                person_ref=f"{p.person_ref}-alone",
            )
            for p in (imported[0], imported[-1])
        ]
    import_entry = LogEntry.objects.get(additional_data__what="import of people from people.csv")

    def row(person):
        return {
            k: v
            for k, v in Person.objects.filter(pk=person.pk).values()[0].items()
            if k not in ("id", "person_ref")
        }

    def entry(person):
        return LogEntry.objects.get(
            content_type__model="person", object_pk=str(person.pk), action=0
        )

    for together, single in zip((imported[0], imported[-1]), alone, strict=True):
        assert row(together) == row(single)
        a, b = entry(together), entry(single)
        for name in (
            "actor",
            "actor_email",
            "remote_addr",
            "object_repr",
            "changes_text",
            "serialized_data",
            "remote_port",
        ):
            assert getattr(a, name) == getattr(b, name), name
        assert a.actor == admin and a.remote_addr == "10.0.0.7"
        assert a.object_id == together.pk and b.object_id == single.pk
        assert a.additional_data == {"person_id": together.pk}
        assert b.additional_data == {"person_id": single.pk}
        assert a.cid == import_entry.cid
        differs = {k for k in a.changes if a.changes[k] != b.changes.get(k)}
        assert set(a.changes) == set(b.changes) and differs == {"id", "person_ref"}
    last = entry(imported[-1]).changes
    assert last["conditions"][1] == '["learning_disability", "autism"]'
    assert last["latitude"] == ["None", "51.541600"] and last["long_term_support"][1] == "True"
    assert last["email"][1] == "aisha@example.org" and last["postcode"][1] == "E15 1AB"
    assert LogEntry.objects.filter(content_type__model="person", action=0).count() == 153


@pytest.mark.django_db
def test_the_garbage_collector_runs_again_after_an_import(tmp_path, authority):
    """The collector is paused while a batch is worked, never left paused."""
    path = tmp_path / "people.csv"
    path.write_text(people(3))
    assert run_command(path)[0] == 0 and gc.isenabled()
    path.write_text(people(3, bad_line=3))
    assert run_command(path)[0] == 1 and gc.isenabled()


@pytest.mark.django_db
def test_memory_does_not_grow_with_the_file(tmp_path, authority, small_batches):
    """The old import held every row, parsed and planned, at once (424 MB at 100,000
    rows, over 4 KB a row); now a batch at a time, so ten times the rows adds only the
    duplicate check's keys."""

    def peak(n: int) -> int:
        path = tmp_path / f"people-{n}.csv"
        path.write_text(people(n))
        tracemalloc.start()
        try:
            status, out, _ = run_command(path, "--no-progress")
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert status == 0 and f"{n} created" in out
            Person.objects.all().delete()

    peak(200)  # the first run loads modules and caches that later runs reuse
    small, large = peak(400), peak(4000)
    # What grows is only the keys kept to find duplicates (a few hundred bytes a row);
    # holding the rows, as before, took over 4,000 bytes each.
    per_row = (large - small) / 3600
    assert per_row < 1000, (small, large, per_row)


@pytest.mark.django_db
class TestCommandProgress:
    def test_a_progress_bar_counts_the_rows_checked(self, tmp_path, authority, small_batches):
        path = tmp_path / "people.csv"
        path.write_text(people(250))
        status, out, err = run_command(path, "--progress")
        assert status == 0
        assert "250 of 250 rows checked" in err
        assert out.splitlines() == ["imported: 250 created, 0 updated, 0 unchanged"]

    def test_no_bar_when_asked_or_when_stderr_is_not_a_terminal(self, tmp_path, authority):
        path = tmp_path / "people.csv"
        path.write_text(people(3))
        assert "rows checked" not in run_command(path, "--no-progress")[2]
        path.write_text(people(4))
        assert run_command(path) == (0, "imported: 1 created, 0 updated, 3 unchanged\n", "")


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_from_another_connection_while_the_import_runs(
    authority, team, small_batches
):
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite has one writer at a time: a second connection cannot write progress "
            "while the import's transaction is open, so there it is written at the end"
        )
    admin = staff(Role.ADMIN, team, email="admin@example.org")
    run = ImportRun.objects.create(
        kind="people", file_name="people.csv", sha256="x", actor=admin, rows_total=300
    )
    writer = import_tasks.ProgressWriter(run.pk)
    default = connections[DEFAULT_DB_ALIAS]
    onlooker = type(default)(dict(default.settings_dict), alias="onlooker")
    seen: list[tuple[int, int]] = []

    def progress(p: importing.Progress) -> None:
        writer(p)
        with onlooker.cursor() as cursor:
            cursor.execute("SELECT rows_checked FROM core_importrun WHERE id = %s", [run.pk])
            checked = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM people_person")
            seen.append((checked, cursor.fetchone()[0]))

    try:
        outcome = importing.run_import(
            importing.kinds()["people"], "people.csv", people(300).encode(), progress=progress
        )
    finally:
        writer.close()
        onlooker.close()
    assert outcome.ok
    # The onlooker saw each batch counted, and none of the people before the end.
    assert seen == [(100, 0), (200, 0), (300, 0)]
    assert Person.objects.count() == 300


@pytest.mark.django_db(transaction=True)
class TestUploadPageProgress:
    """A long upload is imported on the task queue; its page shows how far it has got."""

    @pytest.fixture(autouse=True)
    def _queued(self, settings):
        settings.TASKS = DATABASE_QUEUE
        settings.PATHWAYS_IMPORT_BACKGROUND_ROWS = 5

    @pytest.fixture
    def admin(self, team):
        return staff(Role.ADMIN, team, email="admin@example.org")

    def confirm(self, client, content: str):
        data = SimpleUploadedFile("people.csv", content.encode(), content_type="text/csv")
        preview = client.post("/imports/", {"kind": "people", "file": data})
        assert preview.status_code == 200
        return client.post("/imports/confirm/", {"sha256": preview.context["outcome"].sha256})

    def worker(self):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    def test_the_page_shows_progress_then_the_counts(self, client, admin):
        client.force_login(admin)
        response = self.confirm(client, people(12))
        assert response.status_code == 302
        page_url = response["Location"]
        assert re.fullmatch(r"/imports/runs/[0-9a-f-]{36}/", page_url)
        waiting = client.get(page_url).content.decode()
        assert "The import is waiting to start." in waiting
        assert '<progress id="import-progress"' in waiting and 'max="12" value="0"' in waiting
        assert 'role="status" aria-live="polite">0 of 12 rows checked' in waiting
        assert 'hx-trigger="every 2s"' in waiting  # htmx polls the status
        assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in waiting
        assert not Person.objects.exists()

        self.worker()
        done = client.get(page_url, headers={"HX-Request": "true"}).content.decode()
        assert done.startswith('<div id="import-run-status">')  # the part htmx swaps in
        assert "imported: 12 created, 0 updated, 0 unchanged" in done
        assert "hx-trigger" not in done  # finished: polling stops
        assert Person.objects.count() == 12
        run = ImportRun.objects.get()
        assert run.data == b"" and run.rows_checked == 12
        entry = LogEntry.objects.get(additional_data__what="import of people from people.csv")
        assert entry.actor == admin and entry.additional_data["channel"] == "web"

    def test_a_run_that_fails_shows_its_problems_and_writes_nothing(self, client, admin, settings):
        client.force_login(admin)
        page_url = self.confirm(client, people(12))["Location"]
        settings.PATHWAYS_IMPORT_MAX_ROWS = 10  # lowered while the file waits
        self.worker()
        page = client.get(page_url).content.decode()
        assert "Nothing was imported" in page
        assert "people.csv:12: (file): the file has more than 10 rows after the header" in page
        assert "hx-trigger" not in page and "<progress" not in page
        assert not Person.objects.exists()

    def test_a_small_file_is_still_imported_at_once(self, client, admin):
        client.force_login(admin)
        response = self.confirm(client, people(5))
        assert response["Location"] == "/imports/"
        assert Person.objects.count() == 5 and not ImportRun.objects.exists()

    def test_only_the_admin_who_started_it_sees_the_run(self, client, admin, team):
        client.force_login(admin)
        page_url = self.confirm(client, people(12))["Location"]
        other_admin = staff(Role.ADMIN, team, email="other@example.org")
        client.force_login(other_admin)
        assert client.get(page_url).status_code == 404
        coach = staff(Role.EMPLOYMENT_SPECIALIST, team, email="coach@example.org")
        client.force_login(coach)
        assert client.get(page_url).status_code == 403
        client.logout()
        assert client.get(page_url).status_code == 302  # to sign in


@pytest.mark.django_db
def test_the_preview_lists_the_first_rows_and_counts_them_all(client, team, monkeypatch):
    monkeypatch.setattr(import_views, "ROWS_SHOWN", 3)
    client.force_login(staff(Role.ADMIN, team, email="admin@example.org"))
    data = SimpleUploadedFile("people.csv", people(5).encode(), content_type="text/csv")
    html = client.post("/imports/", {"kind": "people", "file": data}).content.decode()
    assert "dry run: would import: 5 created, 0 updated, 0 unchanged" in html
    assert "The first 3 rows are listed here; the counts above cover all 5." in html
    assert "E09000025 C000002" in html and "E09000025 C000003" not in html
