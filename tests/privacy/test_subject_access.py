"""Subject access: the request in the data protection officer's queue, due one
calendar month after it was received, and everything held about the person produced
as a readable document and an archive, audited and linked to the request."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pathways.core.audit import person_trail
from pathways.core.errors import IllegalTransition
from pathways.privacy.models import (
    SubjectAccessProduction,
    SubjectAccessRequest,
    one_calendar_month_after,
)
from pathways.privacy.selectors import gather
from pathways.privacy.subject_access import (
    complete_subject_access_request,
    log_subject_access_request,
)
from tests.privacy.conftest import TODAY, build_record

EMAIL = SubjectAccessRequest.ReceivedHow.EMAIL


def denials(person, what_starts):
    return [
        e
        for e in person_trail(person)
        if e.additional_data.get("outcome") == "denied"
        and e.additional_data.get("what", "").startswith(what_starts)
    ]


def unzip(content: bytes) -> dict[str, object]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: archive.read(name).decode()
            if name.endswith(".txt")
            else json.loads(archive.read(name))
            for name in archive.namelist()
        }


class TestDueDate:
    @pytest.mark.parametrize(
        ("received", "due"),
        [
            (dt.date(2026, 5, 10), dt.date(2026, 6, 10)),
            (dt.date(2026, 1, 31), dt.date(2026, 2, 28)),
            (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),
            (dt.date(2026, 3, 31), dt.date(2026, 4, 30)),
            (dt.date(2026, 8, 31), dt.date(2026, 9, 30)),
            (dt.date(2026, 12, 15), dt.date(2027, 1, 15)),
            (dt.date(2026, 12, 31), dt.date(2027, 1, 31)),
        ],
    )
    def test_one_calendar_month_with_month_ends(self, received, due):
        assert one_calendar_month_after(received) == due

    def test_a_logged_request_is_due_a_calendar_month_after_it_was_received(self, dpo, person):
        sar = log_subject_access_request(
            dpo,
            person,
            received_on=dt.date(2024, 1, 31),
            requested_by="Her advocate",
            received_how=EMAIL,
        )
        assert sar.due_on == dt.date(2024, 2, 29)
        assert sar.status == "open"
        assert sar.authority == person.authority
        assert sar.logged_by == dpo


class TestLoggingAndCompleting:
    def test_a_request_received_in_the_future_is_refused_on_its_date(self, dpo, person):
        tomorrow = TODAY() + dt.timedelta(days=1)
        with pytest.raises(ValidationError) as refused:
            log_subject_access_request(
                dpo, person, received_on=tomorrow, requested_by="Ada", received_how=EMAIL
            )
        assert "must be today or in the past" in refused.value.message_dict["received_on"][0]
        assert not SubjectAccessRequest.objects.exists()

    @pytest.mark.parametrize("who", ["coach", "manager", "commissioner", "elsewhere_dpo"])
    def test_only_the_dpo_or_an_admin_of_the_persons_authority_may_log_one(
        self, request, who, person
    ):
        user = request.getfixturevalue(who)
        with pytest.raises(PermissionDenied, match="data protection officer or an admin"):
            log_subject_access_request(
                user, person, received_on=TODAY(), requested_by="Ada", received_how=EMAIL
            )
        assert not SubjectAccessRequest.objects.exists()
        assert [e.actor for e in denials(person, "subject access request")] == [user]

    def test_an_admin_of_the_authority_may_log_one_as_for_the_audit_trail(self, admin, person):
        sar = log_subject_access_request(
            admin, person, received_on=TODAY(), requested_by="Ada", received_how=EMAIL
        )
        assert sar.logged_by == admin

    def test_a_completed_request_cannot_be_completed_again(self, dpo, sar):
        done = complete_subject_access_request(dpo, sar)
        assert (done.status, done.completed_on, done.completed_by) == ("completed", TODAY(), dpo)
        with pytest.raises(IllegalTransition, match=f"{sar.reference} was already completed"):
            complete_subject_access_request(dpo, sar)

    def test_a_dpo_elsewhere_cannot_complete_it(self, elsewhere_dpo, sar):
        with pytest.raises(PermissionDenied):
            complete_subject_access_request(elsewhere_dpo, sar)
        sar.refresh_from_db()
        assert sar.status == "open"
        assert denials(sar.person, "subject access request (complete)")


class TestTheArchive:
    def test_each_section_holds_the_persons_real_data_and_nothing_of_anyone_else(
        self, client, dpo, sar, person, someone_else
    ):
        client.force_login(dpo)
        response = client.get(reverse("privacy:subject-access-archive", args=[sar.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert f"subject-access-C200001-{sar.reference}.zip" in response["Content-Disposition"]
        files = unzip(response.content)

        expected = {
            "person", "contacts", "consents", "care_costs", "referrals", "episodes",
            "stages", "long_term_reviews", "packages", "activities", "vocational_profile",
            "goals", "steps", "appointments", "candidacies", "candidacy_steps", "placements",
            "feedback",
            "placement_terms", "post_start_checks", "fading_steps", "access_to_work",
            "milestones", "internship_cohorts", "internship_rotations",
            "subject_access_requests", "documents", "audit_trail",
        }  # fmt: skip
        assert set(files) == {f"{key}.json" for key in expected} | {"README.txt"}
        for key in expected - {"long_term_reviews", "internship_rotations", "documents"}:
            assert files[f"{key}.json"], f"{key}.json is empty"

        [record] = files["person.json"]
        assert (record["person_ref"], record["family_name"]) == ("C200001", "Lovelace")
        assert record["date_of_birth"] == "1990-03-27"
        assert record["authority"] == "Newham"
        assert files["contacts.json"][0]["name"] == "Mary Lovelace"
        assert [(c["scope"], c["given"]) for c in files["consents.json"]] == [
            ("employers", True),
            ("family", False),
        ]
        assert files["consents.json"][0]["recorded_by"] == "coach@example.org"
        assert files["care_costs.json"][0]["weekly_cost"] == "310.25"
        assert [a["notes"] for a in files["activities.json"]] == [
            "Likes mornings (Lovelace, meeting 0.0)",
            "Likes mornings (Lovelace, meeting 0.1)",
        ]
        assert files["goals.json"][0]["description"] == "Find a café job (Lovelace)"
        assert files["steps.json"][0]["goal_id"] == files["goals.json"][0]["id"]
        assert files["appointments.json"][0]["place"] == "Library (Lovelace)"
        [placement] = files["placements.json"]
        assert placement["job_title"] == "Barista Lovelace"
        assert placement["employer"] == "Café Lovelace"
        assert files["placement_terms.json"][0]["hourly_pay"] == "12.60"
        assert len(files["post_start_checks.json"]) == 6
        assert files["access_to_work.json"][0]["status"] == "applied"
        assert files["milestones.json"][0]["weeks"] == 13
        assert files["candidacies.json"][0]["opportunity"] == (
            "Café assistant Lovelace at Café Lovelace"
        )
        assert files["internship_cohorts.json"][0]["name"] == "Project SEARCH Lovelace"
        assert files["documents.json"] == []
        assert "documents/" in files["README.txt"]  # where the files would be
        assert "Ada Lovelace (reference C200001, Newham)" in files["README.txt"]

        everything = json.dumps(files, ensure_ascii=False)
        for theirs in ("Hopper", "C200002", "Prefers email"):
            assert theirs not in everything

    def test_the_production_is_on_the_persons_trail_and_linked_to_the_request(
        self, client, dpo, sar, person
    ):
        client.force_login(dpo)
        files = unzip(client.get(reverse("privacy:subject-access-archive", args=[sar.pk])).content)
        latest = person_trail(person).first()
        assert latest.actor == dpo
        assert latest.additional_data["channel"] == "export"
        assert latest.additional_data["what"] == f"subject access archive for {sar.reference}"
        # The archive lists its own production first.
        assert files["audit_trail.json"][0]["what"] == latest.additional_data["what"]
        [production] = sar.productions.all()
        assert (production.form, production.channel, production.produced_by) == (
            "archive",
            "export",
            dpo,
        )

    def test_gathering_takes_the_same_queries_however_much_is_held(self, team, coach):
        small = build_record(team, coach, ref="C1", family_name="Small", activities=1)
        large = build_record(team, coach, ref="C2", family_name="Large", activities=8, episodes=4)
        counts = []
        for person in (small, large):
            with CaptureQueriesContext(connection) as queries:
                gathered = gather(person)
            counts.append(len(queries))
        assert len(gathered.section("activities").rows) == 32
        assert counts[0] == counts[1]


class TestPages:
    def test_the_dpo_logs_a_request_and_finds_it_in_the_queue(self, client, dpo, person):
        client.force_login(dpo)
        received = TODAY() - dt.timedelta(days=40)
        response = client.post(
            reverse("privacy:subject-access-new"),
            {
                "person_ref": "c200001",
                "received_on_0": received.day,
                "received_on_1": received.month,
                "received_on_2": received.year,
                "requested_by": "Her advocate, Sam Jones",
                "received_how": "letter",
                "note": "",
            },
        )
        sar = SubjectAccessRequest.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("privacy:subject-access-request", args=[sar.pk])
        assert sar.person == person
        queue = client.get(reverse("privacy:subject-access")).content.decode()
        assert sar.reference in queue
        assert "Overdue" in queue

    def test_a_reference_outside_the_dpos_authority_is_not_found(
        self, client, elsewhere_dpo, person
    ):
        client.force_login(elsewhere_dpo)
        response = client.post(
            reverse("privacy:subject-access-new"),
            {
                "person_ref": "C200001",
                "received_on_0": TODAY().day,
                "received_on_1": TODAY().month,
                "received_on_2": TODAY().year,
                "requested_by": "Ada",
                "received_how": "email",
            },
        )
        assert response.status_code == 400
        assert "No person in your authority has the reference C200001" in response.content.decode()
        assert not SubjectAccessRequest.objects.exists()

    def test_the_queue_lists_overdue_requests_first_in_a_fixed_number_of_queries(
        self, client, dpo, team, coach, django_assert_max_num_queries
    ):
        for n, days_ago in enumerate((5, 45, 20)):
            log_subject_access_request(
                dpo,
                build_record(team, coach, ref=f"Q{n}", family_name=f"Queue{n}", activities=0),
                received_on=TODAY() - dt.timedelta(days=days_ago),
                requested_by="Them",
                received_how=EMAIL,
            )
        client.force_login(dpo)
        # 9 with the header's unread notifications count, asked once on every page.
        with django_assert_max_num_queries(9):
            page = client.get(reverse("privacy:subject-access")).content.decode()
        assert page.index("Q1") < page.index("Q2") < page.index("Q0")
        assert page.count("Overdue") == 1

    def test_the_document_shows_each_section_with_uk_dates(self, client, dpo, sar, person):
        client.force_login(dpo)
        page = client.get(reverse("privacy:subject-access-document", args=[sar.pk]))
        text = page.content.decode()
        assert page.status_code == 200
        for heading in ("Personal details", "Timeline of activities", "Access to Work",
                        "Who read or changed the record", "Documents"):  # fmt: skip
            assert heading in text
        assert "27 March 1990" in text
        assert "No documents are held" in text
        assert "Likes mornings (Lovelace, meeting 0.1)" in text
        entry = person_trail(person).first()
        assert entry.additional_data["what"] == f"subject access document for {sar.reference}"
        assert entry.additional_data["channel"] == "web"

    def test_marking_it_completed_takes_it_out_of_the_queue(self, client, dpo, sar):
        client.force_login(dpo)
        response = client.post(reverse("privacy:subject-access-complete", args=[sar.pk]))
        assert response.status_code == 302
        sar.refresh_from_db()
        assert sar.status == "completed"
        queue = client.get(reverse("privacy:subject-access")).content.decode()
        assert reverse("privacy:subject-access-request", args=[sar.pk]) not in queue
        assert "There are no open requests." in queue
        again = client.post(reverse("privacy:subject-access-complete", args=[sar.pk]), follow=True)
        assert "already completed" in again.content.decode()

    @pytest.mark.parametrize("who", ["coach", "manager", "commissioner", "elsewhere_dpo"])
    def test_anyone_else_is_refused_on_every_page_and_the_refusal_is_audited(
        self, client, request, who, sar, person
    ):
        user = request.getfixturevalue(who)
        client.force_login(user)
        queue = client.get(reverse("privacy:subject-access"))
        if who == "elsewhere_dpo":  # their own queue, without this request
            assert queue.status_code == 200
            assert reverse("privacy:subject-access-request", args=[sar.pk]) not in str(
                queue.content
            )
        else:
            assert queue.status_code == 403
            assert client.get(reverse("privacy:subject-access-new")).status_code == 403
        for name in ("request", "document", "archive"):
            url = reverse(f"privacy:subject-access-{name}", args=[sar.pk])
            assert client.get(url).status_code == 404
        url = reverse("privacy:subject-access-complete", args=[sar.pk])
        assert client.post(url).status_code == 404
        refused = denials(person, "subject access")
        assert len(refused) == 4
        assert {e.actor for e in refused} == {user}
        assert not SubjectAccessProduction.objects.exists()
        sar.refresh_from_db()
        assert sar.status == "open"


class TestTheCommand:
    def test_it_writes_the_archive_for_the_open_request_audited_on_the_cli(
        self, tmp_path, dpo, sar, person
    ):
        out = tmp_path / "sar.zip"
        stdout = io.StringIO()
        call_command(
            "subject-access", "E09000025", "C200001", "--out", str(out), "--as", dpo.email,
            stdout=stdout,
        )  # fmt: skip
        files = unzip(out.read_bytes())
        assert files["person.json"][0]["person_ref"] == "C200001"
        assert sar.reference in stdout.getvalue()
        entry = person_trail(person).first()
        assert (entry.actor, entry.additional_data["channel"]) == (dpo, "cli")
        assert sar.productions.get().channel == "cli"

    @pytest.mark.parametrize("who", ["coach", "manager", "commissioner", "elsewhere_dpo"])
    def test_anyone_else_is_refused_and_the_refusal_is_audited(
        self, tmp_path, request, who, sar, person
    ):
        user = request.getfixturevalue(who)
        out = tmp_path / "sar.zip"
        with pytest.raises(CommandError, match="data protection officer or an admin"):
            call_command(
                "subject-access", "E09000025", "C200001", "--out", str(out), "--as", user.email
            )
        assert not out.exists()
        [refused] = denials(person, "subject access")
        assert refused.actor == user
        assert refused.additional_data["channel"] == "cli"

    def test_without_an_open_request_it_says_to_log_one_first(self, tmp_path, dpo, person):
        with pytest.raises(CommandError, match="no open subject access request"):
            call_command(
                "subject-access", "E09000025", "C200001", "--out", str(tmp_path / "a.zip"),
                "--as", dpo.email,
            )  # fmt: skip


def test_the_request_is_on_the_persons_trail_when_logged(sar, person):
    assert LogEntry.objects.filter(
        object_pk=str(sar.pk), content_type__model="subjectaccessrequest"
    ).exists()
    assert any(e.content_type.model == "subjectaccessrequest" for e in person_trail(person))
