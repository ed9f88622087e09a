"""Inquiry cycles (compare, finish, share, find), the transcript line, coaching and the leader's coach role."""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from inquiry import selectors, services
from inquiry.factories import CycleTypeFactory
from inquiry.models import Cycle, Share
from members.models import OrganizationMember

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def _sorted(world, label, counts):
    """A sort whose three piles hold `counts` pieces."""
    sort = services.sort_create(owner=world["teacher"], class_label=label, concept=world["concept"])
    pieces, _ = services.pieces_add(sort=sort, files=[jpeg(f"{n}.jpg") for n in range(1, sum(counts) + 1)])
    piles = list(sort.piles.all())
    it = iter(pieces)
    for pile, n in zip(piles, counts, strict=True):
        for _ in range(n):
            services.piece_move(piece=next(it), pile=pile)
    return sort


@pytest.fixture
def finished_cycle(world):
    baseline = _sorted(world, "Room 12", [6, 4, 2])
    follow_up = _sorted(world, "Room 12 in May", [2, 5, 5])
    cycle = services.cycle_create(
        owner=world["teacher"],
        question="Do ten-frames move students to tens?",
        baseline=baseline,
        cycle_type=CycleTypeFactory(pd_hours=Decimal("3.00")),
    )
    services.cycle_update(
        cycle=cycle,
        practice="Ten-frame flashes daily",
        result="Fewer count by ones",
        follow_up=follow_up,
        cycle_type=cycle.cycle_type,
        resources=[world["activities"][0]],
    )
    return services.cycle_finish(cycle=cycle)


def test_the_two_sorts_are_compared_pile_by_pile(world, finished_cycle, client):
    rows = selectors.cycle_comparison(cycle=finished_cycle)
    assert [(r.name, r.before, r.after) for r in rows] == [
        ("Counts by ones", 6, 2),
        ("Groups in tens", 4, 5),
        ("Sees tens and ones", 2, 5),
    ]
    assert rows[0].before_percent == 100
    client.force_login(world["teacher"])
    html = client.get(reverse("inquiry:cycle", args=[finished_cycle.pk])).content.decode()
    assert "data-comparison" in html and "Before" in html and "After" in html


def test_a_cycle_finishes_only_with_a_follow_up_and_a_result(world):
    cycle = services.cycle_create(owner=world["teacher"], question="Q?", baseline=_sorted(world, "R", [1, 0, 0]))
    with pytest.raises(services.InquiryError, match="follow-up"):
        services.cycle_finish(cycle=cycle)
    with pytest.raises(services.InquiryError, match="Finish the cycle"):
        services.cycle_set_sharing(cycle=cycle, sharing=Cycle.Sharing.NETWORK)


def test_a_finished_cycle_counts_on_the_transcript_with_its_evidence(world, finished_cycle, client):
    client.force_login(world["teacher"])
    response = client.get(reverse("members:transcript"))
    lines = response.context["transcript"].lines
    line = next(line for line in lines if line.kind == "inquiry")
    assert line.pd_hours == Decimal("3.00")
    assert line.evidence_url == reverse("inquiry:cycle", args=[finished_cycle.pk])
    assert line.evidence_url in response.content.decode()
    assert "Documented practice" in response.content.decode()


def test_staff_with_the_named_permission_set_the_hours(world):
    from members.access import StaffAction, staff_can
    from members.factories import EditorFactory, StaffFactory

    assert staff_can(StaffFactory(), StaffAction.SET_CYCLE_HOURS)
    assert not staff_can(EditorFactory(), StaffAction.SET_CYCLE_HOURS)


def test_network_cycles_are_found_by_hlc_and_grade_from_another_district(world, finished_cycle, client):
    services.cycle_set_sharing(cycle=finished_cycle, sharing=Cycle.Sharing.NETWORK)
    client.force_login(world["other_teacher"])
    url = reverse("inquiry:shared_list")
    found = client.get(url, {"hlc": world["concept"].pk, "grade": "1"}).context["cycles"]
    assert found == [finished_cycle]
    assert client.get(url, {"grade": "5"}).context["cycles"] == []
    assert client.get(reverse("inquiry:shared_detail", args=[finished_cycle.pk])).status_code == 200


def test_district_cycles_stay_in_the_district(world, finished_cycle, client):
    services.cycle_set_sharing(cycle=finished_cycle, sharing=Cycle.Sharing.DISTRICT)
    url = reverse("inquiry:shared_detail", args=[finished_cycle.pk])
    client.force_login(world["other_teacher"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("inquiry:shared_list")).context["cycles"] == []
    client.force_login(world["colleague"])
    assert client.get(url).status_code == 200


def test_sharing_with_the_coach_tells_her_and_her_comment_tells_the_teacher(
    world, finished_cycle, client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    client.force_login(world["teacher"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("inquiry:share_new"), {"kind": "cycle", "item": finished_cycle.pk, "coach": world["coach"].pk}
        )
    share = Share.objects.get()
    assert response["Location"] == reverse("inquiry:share", args=[share.pk])
    assert [m.to for m in mail.outbox] == [[world["coach"].email]]
    # Sharing twice is the same share, and no second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("inquiry:share_new"), {"kind": "cycle", "item": finished_cycle.pk, "coach": world["coach"].pk}
        )
    assert Share.objects.count() == 1 and len(mail.outbox) == 1
    client.force_login(world["coach"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("inquiry:share", args=[share.pk]), {"body": "Try the 100 chart with the first pile."})
    assert share.comments.get().author == world["coach"]
    assert mail.outbox[-1].to == [world["teacher"].email]
    assert "100 chart" not in mail.outbox[-1].body  # the e-mail links; the comment stays on the site
    client.force_login(world["teacher"])
    assert "Try the 100 chart" in client.get(reverse("inquiry:share", args=[share.pk])).content.decode()


def test_a_course_reflection_can_be_shared_with_the_coach(world, client):
    from courses.factories import LessonPageFactory
    from courses.models import ReflectionResponse

    lesson = LessonPageFactory()
    reflection = ReflectionResponse.objects.create(user=world["teacher"], lesson=lesson, block_id="b", text="I notice")
    client.force_login(world["teacher"])
    client.post(reverse("inquiry:share_new"), {"kind": "reflection", "item": reflection.pk, "coach": world["coach"].pk})
    share = Share.objects.get(kind="reflection")
    client.force_login(world["coach"])
    assert "I notice" in client.get(reverse("inquiry:share", args=[share.pk])).content.decode()


def test_a_teacher_cannot_share_someone_elses_item_or_with_a_non_coach(world, finished_cycle, client):
    client.force_login(world["colleague"])
    client.post(reverse("inquiry:share_new"), {"kind": "cycle", "item": finished_cycle.pk, "coach": world["coach"].pk})
    client.force_login(world["teacher"])
    client.post(
        reverse("inquiry:share_new"), {"kind": "cycle", "item": finished_cycle.pk, "coach": world["colleague"].pk}
    )
    assert not Share.objects.exists()


def test_the_leader_names_a_coach_and_only_she_may(world, client):
    member = OrganizationMember.objects.get(user=world["colleague"])
    url = reverse("members:district_member_coach", args=[world["district"].pk, member.pk])
    client.force_login(world["teacher"])
    assert client.post(url, {"coach": "on"}).status_code == 403
    client.force_login(world["other_coach"])
    assert client.post(url, {"coach": "on"}).status_code == 403
    client.force_login(world["leader"])
    assert client.post(url, {"coach": "on"}).status_code == 302
    member.refresh_from_db()
    assert member.role == OrganizationMember.OrgRole.COACH
    client.post(url)
    member.refresh_from_db()
    assert member.role == OrganizationMember.OrgRole.TEACHER


def test_the_leader_sets_the_retention_period(world, client):
    client.force_login(world["leader"])
    url = reverse("members:district_settings", args=[world["district"].pk])
    client.post(url, {"retention_days": "90"})
    world["district"].refresh_from_db()
    assert world["district"].student_work_retention_days == 90
    client.post(url, {"retention_days": "1"})
    world["district"].refresh_from_db()
    assert world["district"].student_work_retention_days == 90


def test_staff_change_a_cycle_types_hours_in_the_admin_and_editors_cannot(world, client):
    from members.factories import EditorFactory, StaffFactory

    kind = CycleTypeFactory(name="Rapid cycle of inquiry", pd_hours=Decimal("3.00"))
    url = reverse("wagtailsnippets_inquiry_cycletype:edit", args=[kind.pk])
    client.force_login(EditorFactory())
    assert client.get(url).status_code in (302, 403)
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": kind.name, "pd_hours": "4.5", "description": ""})
    assert response.status_code == 302
    kind.refresh_from_db()
    assert kind.pd_hours == Decimal("4.50")
