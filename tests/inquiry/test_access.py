"""Who may open a sort, its pieces of student work, a cycle and a shared item: the refusals that matter."""

import pytest
from django.urls import reverse

from inquiry import rules, services
from inquiry.models import Cycle, Sort
from members import services as member_services
from members.factories import StaffFactory
from members.models import OrganizationMember

from .conftest import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture
def sort_with_work(world):
    sort = services.sort_create(owner=world["teacher"], class_label="Room 12", concept=world["concept"])
    pieces, _ = services.pieces_add(sort=sort, files=[jpeg("1.jpg"), jpeg("2.jpg")])
    return sort, pieces


def _urls(sort, piece):
    return [
        reverse("inquiry:sort", args=[sort.pk]),
        reverse("inquiry:sort_summary", args=[sort.pk]),
        reverse("inquiry:piece_file", args=[piece.pk]),
    ]


@pytest.mark.parametrize("who", ["colleague", "other_coach", "leader", "coach", "other_teacher", "staff"])
def test_everyone_but_the_teacher_is_refused_the_sort_and_the_images(world, sort_with_work, client, who):
    sort, pieces = sort_with_work
    user = StaffFactory() if who == "staff" else world[who]
    client.force_login(user)
    for url in _urls(sort, pieces[0]):
        assert client.get(url).status_code == 404, (who, url)
    assert not rules.can_view_sort(user, sort)


def test_anonymous_is_sent_to_sign_in(world, sort_with_work, client):
    sort, pieces = sort_with_work
    for url in _urls(sort, pieces[0]):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_others_cannot_upload_move_or_delete(world, sort_with_work, client):
    sort, pieces = sort_with_work
    services.share_create(owner=world["teacher"], coach=world["coach"], sort=sort)
    client.force_login(world["coach"])  # even the coach she shared with only reads
    assert client.post(reverse("inquiry:sort_upload", args=[sort.pk]), {"files": [jpeg()]}).status_code == 404
    assert client.post(reverse("inquiry:sort_move", args=[sort.pk]), {"piece": pieces[0].pk}).status_code == 404
    response = client.post(reverse("inquiry:piece_edit", args=[pieces[0].pk]), {"action": "delete"})
    assert response.status_code == 404
    assert sort.pieces.count() == 2


def test_the_coach_she_shared_with_sees_it_until_she_is_no_longer_coach(world, sort_with_work, client):
    sort, pieces = sort_with_work
    services.share_create(owner=world["teacher"], coach=world["coach"], sort=sort)
    client.force_login(world["coach"])
    for url in _urls(sort, pieces[0]):
        assert client.get(url).status_code == 200, url
    # The other district's coach, even with a share row forced in, is refused: the coach must be her coach.
    with pytest.raises(services.InquiryError):
        services.share_create(owner=world["teacher"], coach=world["other_coach"], sort=sort)
    member = OrganizationMember.objects.get(user=world["coach"])
    member_services.organization_member_set_coach(member=member, is_coach=False)
    client.logout()
    coach = type(world["coach"]).objects.get(pk=world["coach"].pk)  # a fresh request: fresh entitlements
    client.force_login(coach)
    assert client.get(_urls(sort, pieces[0])[2]).status_code == 404


def test_the_leader_sees_counts_never_content(world, sort_with_work, client):
    client.force_login(world["leader"])
    response = client.get(reverse("members:district_dashboard", args=[world["district"].pk]))
    assert response.status_code == 200
    report = {t.member.user_id: t.inquiry for t in response.context["teachers"]}
    assert report[world["teacher"].pk] == {"sorts": 1, "cycles": 0}
    html = response.content.decode()
    assert "Room 12" not in html
    assert reverse("inquiry:sort", args=[sort_with_work[0].pk]) not in html


def test_a_cycle_is_private_to_its_teacher_and_her_coach(world, sort_with_work, client):
    sort, _ = sort_with_work
    cycle = services.cycle_create(owner=world["teacher"], question="Do ten-frames help?", baseline=sort)
    url = reverse("inquiry:cycle", args=[cycle.pk])
    for who in ("colleague", "coach", "leader", "other_coach"):
        client.force_login(world[who])
        assert client.get(url).status_code == 404, who
    services.share_create(owner=world["teacher"], coach=world["coach"], cycle=cycle)
    client.force_login(world["coach"])
    assert client.get(url).status_code == 200
    # Sharing the cycle opens its sorts to the coach too.
    assert rules.can_view_sort(world["coach"], sort)


def test_a_shared_item_is_seen_by_its_teacher_and_coach_only(world, sort_with_work, client):
    share = services.share_create(owner=world["teacher"], coach=world["coach"], sort=sort_with_work[0])
    url = reverse("inquiry:share", args=[share.pk])
    for who, status in [("teacher", 200), ("coach", 200), ("colleague", 404), ("leader", 404), ("other_coach", 404)]:
        client.force_login(world[who])
        assert client.get(url).status_code == status, who


def test_a_group_sort_is_seen_by_the_teachers_whose_work_is_on_it(world, client):
    board = services.sort_create(
        owner=world["coach"], class_label="Grade 1 team", concept=world["concept"], is_group=True
    )
    pieces, _ = services.pieces_add(sort=board, files=[jpeg("1.jpg")], contributor=world["teacher"])
    client.force_login(world["teacher"])
    assert client.get(reverse("inquiry:piece_file", args=[pieces[0].pk])).status_code == 200
    client.force_login(world["colleague"])
    assert client.get(reverse("inquiry:piece_file", args=[pieces[0].pk])).status_code == 404


def test_shared_cycles_never_show_the_work(world, sort_with_work, client):
    sort, pieces = sort_with_work
    follow = services.sort_create(owner=world["teacher"], class_label="Room 12 again", concept=world["concept"])
    cycle = services.cycle_create(owner=world["teacher"], question="Do ten-frames help?", baseline=sort)
    services.cycle_update(cycle=cycle, practice="Ten-frames daily", result="More groups in tens", follow_up=follow)
    services.cycle_finish(cycle=cycle)
    services.cycle_set_sharing(cycle=cycle, sharing=Cycle.Sharing.NETWORK)
    client.force_login(world["other_teacher"])
    html = client.get(reverse("inquiry:shared_detail", args=[cycle.pk])).content.decode()
    assert "Do ten-frames help?" in html
    assert reverse("inquiry:piece_file", args=[pieces[0].pk]) not in html
    assert "Room 12" not in html and world["teacher"].last_name not in html


def test_a_coach_runs_a_faculty_meeting_board_with_her_teachers_work(world, client):
    client.force_login(world["teacher"])
    client.post(
        reverse("inquiry:sort_new"), {"class_label": "Room 12", "concept": world["concept"].pk, "is_group": "on"}
    )
    assert not Sort.objects.get(owner=world["teacher"]).is_group  # only coaches run group sorts
    client.force_login(world["coach"])
    client.post(
        reverse("inquiry:sort_new"),
        {"class_label": "Grade 1 team meeting", "concept": world["concept"].pk, "is_group": "on"},
    )
    board = Sort.objects.get(owner=world["coach"])
    assert board.is_group
    assert "Whose class is this work from?" in client.get(reverse("inquiry:sort", args=[board.pk])).content.decode()
    for who in ("teacher", "colleague"):
        client.post(
            reverse("inquiry:sort_upload", args=[board.pk]),
            {"files": [jpeg("1.jpg"), jpeg("2.jpg")], "contributor": world[who].pk},
        )
    # A teacher of another district cannot be named as a contributor.
    client.post(
        reverse("inquiry:sort_upload", args=[board.pk]),
        {"files": [jpeg("3.jpg")], "contributor": world["other_teacher"].pk},
    )
    assert board.pieces.filter(contributor=world["teacher"]).count() == 2
    assert not board.pieces.filter(contributor=world["other_teacher"]).exists()
    for who, status in [("teacher", 200), ("colleague", 200), ("other_teacher", 404), ("leader", 404)]:
        client.force_login(world[who])
        assert client.get(reverse("inquiry:sort", args=[board.pk])).status_code == status, who
