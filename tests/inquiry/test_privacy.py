"""Retention deletes expired student work on schedule; export and account deletion include it."""

import json
import os
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from inquiry import services
from inquiry.models import Cycle, Piece, Share, Sort
from members import services as member_services

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def _sort_with(world, owner_key="teacher", n=2):
    sort = services.sort_create(owner=world[owner_key], class_label="Room 12", concept=world["concept"])
    pieces, _ = services.pieces_add(sort=sort, files=[jpeg(f"{i}.jpg") for i in range(1, n + 1)])
    services.piece_move(piece=pieces[0], pile=sort.piles.first())
    return sort, pieces


def test_retention_deletes_expired_work_and_keeps_the_counts(world, django_capture_on_commit_callbacks):
    world["district"].student_work_retention_days = 30
    world["district"].save()
    sort, pieces = _sort_with(world)
    paths = [p.file.path for p in pieces]
    uploaded = pieces[0].created
    with django_capture_on_commit_callbacks(execute=True):
        assert services.student_work_delete_expired(now=uploaded + timedelta(days=29)) == 0
    assert all(os.path.exists(p) for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.student_work_delete_expired(now=uploaded + timedelta(days=31)) == 2
    assert not any(os.path.exists(p) for p in paths)
    sort.refresh_from_db()
    assert sort.work_deleted_at is not None
    assert not Piece.objects.filter(sort=sort).exists()
    assert sort.piles.first().piece_count == 1  # the summary outlives the work
    with django_capture_on_commit_callbacks(execute=True):
        assert services.student_work_delete_expired(now=uploaded + timedelta(days=40)) == 0


def test_each_district_keeps_work_for_its_own_period(world, django_capture_on_commit_callbacks):
    world["district"].student_work_retention_days = 30
    world["district"].save()
    world["other"].student_work_retention_days = 365
    world["other"].save()
    mine, _ = _sort_with(world)
    theirs, _ = _sort_with(world, "other_teacher")
    with django_capture_on_commit_callbacks(execute=True):
        services.student_work_delete_expired(now=timezone.now() + timedelta(days=60))
    assert not mine.pieces.exists()
    assert theirs.pieces.count() == 2


def test_teachers_without_a_district_get_the_default(world, settings, django_capture_on_commit_callbacks):
    from members.factories import UserFactory

    settings.INQUIRY_DEFAULT_RETENTION_DAYS = 10
    loner = UserFactory()
    sort = services.sort_create(owner=loner, class_label="Room 1", concept=world["concept"])
    services.pieces_add(sort=sort, files=[jpeg()])
    assert sort.organization is None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.student_work_delete_expired(now=timezone.now() + timedelta(days=11)) == 1


def test_the_command_and_the_beat_task_run_the_same_rule(world, settings):
    from inquiry.tasks import delete_expired_student_work

    _sort_with(world)
    assert "inquiry-delete-expired-student-work" in settings.CELERY_BEAT_SCHEDULE
    assert delete_expired_student_work() == 0
    later = (timezone.now() + timedelta(days=400)).isoformat()
    from io import StringIO

    out = StringIO()
    call_command("delete_expired_student_work", "--now", later, stdout=out)
    assert "Deleted 2 pieces" in out.getvalue()


def test_the_data_download_lists_her_sorts_and_cycles(world, client):
    sort, pieces = _sort_with(world)
    services.sort_notes_save(sort=sort, showing="Most count by ones", telling="", next_focus="")
    services.cycle_create(owner=world["teacher"], question="Do ten-frames help?", baseline=sort)
    client.force_login(world["teacher"])
    data = json.loads(b"".join([client.get(reverse("members:account_data_download")).content]))
    exported = data["inquiry"]
    assert exported["sorts"][0]["what_are_they_showing_us"] == "Most count by ones"
    assert exported["sorts"][0]["pieces"][0]["file"] == reverse("inquiry:piece_file", args=[pieces[0].pk])
    assert exported["cycles"][0]["question"] == "Do ten-frames help?"


def test_deleting_her_account_deletes_her_sorts_and_the_files(world, django_capture_on_commit_callbacks):
    sort, pieces = _sort_with(world)
    services.cycle_create(owner=world["teacher"], question="Q?", baseline=sort)
    services.share_create(owner=world["teacher"], coach=world["coach"], sort=sort)
    paths = [p.file.path for p in pieces]
    with django_capture_on_commit_callbacks(execute=True):
        member_services.account_delete(user=world["teacher"])
    assert not Sort.objects.exists() and not Cycle.objects.exists() and not Share.objects.exists()
    assert not any(os.path.exists(p) for p in paths)


def test_she_downloads_her_student_work_as_a_zip_and_nobody_elses(world, client):
    import io
    import zipfile

    mine, _ = _sort_with(world)
    _sort_with(world, "colleague", n=3)
    client.force_login(world["teacher"])
    response = client.get(reverse("inquiry:export"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert "sorts-and-cycles.json" in names
    pieces = [n for n in names if n.endswith(".jpg")]
    assert len(pieces) == 2 and all(n.startswith(f"sort-{mine.pk}/") for n in pieces)
    assert any("/counts-by-ones/" in n for n in pieces) and any("/not-sorted/" in n for n in pieces)


def test_she_deletes_a_sort_now_and_its_files_go(world, client, django_capture_on_commit_callbacks):
    sort, pieces = _sort_with(world)
    path = pieces[0].file.path
    client.force_login(world["colleague"])
    assert client.post(reverse("inquiry:sort_delete", args=[sort.pk])).status_code == 404
    cycle = services.cycle_create(owner=world["teacher"], question="Q?", baseline=sort)
    client.force_login(world["teacher"])
    client.post(reverse("inquiry:sort_delete", args=[sort.pk]))
    assert Sort.objects.filter(pk=sort.pk).exists()  # the baseline of a cycle: delete the cycle first
    client.post(reverse("inquiry:cycle_delete", args=[cycle.pk]))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inquiry:sort_delete", args=[sort.pk]))
    assert not Sort.objects.filter(pk=sort.pk).exists()
    assert not os.path.exists(path)
