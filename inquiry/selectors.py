"""The reads inquiry's pages, the coach's inbox, the leader's counts and the composer (learning) need."""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.urls import reverse
from django.utils.text import slugify

from courses.models import Enrollment, LessonPage, ReflectionResponse
from members.access import entitlements_for
from members.models import User
from resources.models import ResourcePage
from taxonomy.models import HighLeverageConcept

from .models import Comment, Cycle, CycleType, Piece, Pile, Share, Sort

MATH_MENU = "math-menu"


def my_inquiry(*, user) -> dict:
    sorts = list(
        Sort.objects.filter(owner=user).select_related("concept__grade").annotate(pieces_count=Count("pieces"))
    )
    cycles = list(
        Cycle.objects.filter(owner=user).select_related("baseline__concept__grade", "follow_up", "cycle_type")
    )
    return {"sorts": sorts, "cycles": cycles}


def concepts_for_choice():
    return HighLeverageConcept.objects.select_related("grade").order_by("grade__sort_order", "sort_order", "title")


def probes_for_choice():
    """Probes and assessments a sort may be about: formative probes and HLAs in the library."""
    return (
        ResourcePage.objects.live()
        .filter(Q(kind__slug__icontains="probe") | Q(kind__slug__icontains="assessment"))
        .order_by("title")
    )


@dataclass
class Board:
    sort: Sort
    piles: list[Pile]
    unsorted: list[Piece]

    @property
    def piece_total(self) -> int:
        return len(self.unsorted) + sum(len(p.board_pieces) for p in self.piles)


def sort_board(*, sort: Sort) -> Board:
    """The sort's piles, each with its pieces, and the pieces not sorted yet, in two queries."""
    pieces = list(sort.pieces.all())
    piles = list(sort.piles.select_related("menu_activity"))
    by_pile: dict[int, list[Piece]] = {}
    for piece in pieces:
        by_pile.setdefault(piece.pile_id, []).append(piece)
    for pile in piles:
        pile.board_pieces = by_pile.get(pile.pk, [])
    return Board(sort=sort, piles=piles, unsorted=by_pile.get(None, []))


def group_contributors(*, sort: Sort):
    """The teachers whose work may go on a group sort: the members of the coach's district."""
    if not sort.is_group or sort.organization_id is None:
        return None
    return User.objects.filter(organization_memberships__organization_id=sort.organization_id, is_active=True).order_by(
        "first_name", "last_name", "email"
    )


def menu_activities(*, concept: HighLeverageConcept) -> list[ResourcePage]:
    """Math Menu resources tagged with the HLC; the grade's Math Menu resources when none is."""
    live = ResourcePage.objects.live().filter(lesson_parts__slug=MATH_MENU)
    found = list(live.filter(concepts=concept).distinct().order_by("title"))
    if not found:
        found = list(live.filter(grades=concept.grade_id).distinct().order_by("title"))
    return found


def menu_activity_by_id(*, concept: HighLeverageConcept, resource_id: int | None) -> ResourcePage | None:
    """One of the HLC's Math Menu activities, by id; None for anything else."""
    if not resource_id:
        return None
    return next((r for r in menu_activities(concept=concept) if r.pk == resource_id), None)


@dataclass
class MenuGroup:
    pile: Pile
    labels: list[str]
    activity: ResourcePage | None


def sort_summary(*, sort: Sort) -> dict:
    """Counts per pile, the notes and the plan: which pieces go to which Math Menu activity."""
    board = sort_board(sort=sort)
    activities = menu_activities(concept=sort.concept)
    groups = []
    for index, pile in enumerate(board.piles):
        # Until she picks one, each group gets the next suggested activity in turn.
        activity = pile.menu_activity or (activities[index % len(activities)] if activities else None)
        groups.append(MenuGroup(pile, [p.label for p in pile.board_pieces], activity))
    total = sum(p.piece_count for p in board.piles)
    return {
        "board": board,
        "groups": groups,
        "activities": activities,
        "total_sorted": total,
        "bars": _bars([(p.name, p.piece_count) for p in board.piles]),
    }


def _bars(rows):
    top = max([n for _, n in rows] or [0]) or 1
    return [{"name": name, "count": n, "percent": round(100 * n / top)} for name, n in rows]


@dataclass
class ComparisonRow:
    name: str
    before: int
    after: int
    before_percent: int
    after_percent: int


def cycle_comparison(*, cycle: Cycle) -> list[ComparisonRow]:
    """Pile counts before and after, matched by pile name (a pile in only one sort counts 0 in the other)."""
    before = {p.name: p.piece_count for p in cycle.baseline.piles.all()}
    after = {p.name: p.piece_count for p in cycle.follow_up.piles.all()} if cycle.follow_up_id else {}
    names = list(before) + [n for n in after if n not in before]
    top = max(list(before.values()) + list(after.values()) + [0]) or 1
    return [
        ComparisonRow(
            n,
            before.get(n, 0),
            after.get(n, 0),
            round(100 * before.get(n, 0) / top),
            round(100 * after.get(n, 0) / top),
        )
        for n in names
    ]


def cycle_detail(*, cycle: Cycle) -> dict:
    return {
        "cycle": cycle,
        "comparison": cycle_comparison(cycle=cycle),
        "resources": list(cycle.practice_resources.all()),
        "lessons": list(cycle.practice_lessons.all()),
    }


def practice_resources_for(*, concept: HighLeverageConcept):
    """Resources a cycle's practice may link: those tagged with the HLC or its grade."""
    return (
        ResourcePage.objects.live()
        .filter(Q(concepts=concept) | Q(grades=concept.grade_id))
        .distinct()
        .order_by("title")
    )


def practice_lessons_for(*, user):
    """Lessons of the courses she is enrolled in."""
    paths = [e.course.path for e in Enrollment.objects.filter(user=user).select_related("course")]
    if not paths:
        return LessonPage.objects.none()
    in_courses = Q()
    for path in paths:
        in_courses |= Q(path__startswith=path)
    return LessonPage.objects.live().filter(in_courses).order_by("path")


def cycle_types():
    return CycleType.objects.all()


def shared_cycles(*, user, grade_code: str = "", concept_id: int | None = None):
    """Finished cycles shared with the network, or with a district she belongs to; newest first."""
    org_ids = entitlements_for(user).organization_ids
    visible = Q(sharing=Cycle.Sharing.NETWORK) | Q(sharing=Cycle.Sharing.DISTRICT, organization_id__in=org_ids)
    cycles = Cycle.objects.filter(visible, finished_at__isnull=False).select_related(
        "baseline__concept__grade", "cycle_type"
    )
    if grade_code:
        cycles = cycles.filter(baseline__concept__grade__code=grade_code)
    if concept_id:
        cycles = cycles.filter(baseline__concept_id=concept_id)
    return cycles.order_by("-finished_at")


# --- coaching ---
def shared_with_coach(*, coach) -> list[Share]:
    return list(
        Share.objects.filter(coach=coach)
        .select_related("owner", "sort__concept", "cycle", "reflection__lesson")
        .annotate(comment_count=Count("comments"))
    )


def my_shares(*, user) -> list[Share]:
    return list(
        Share.objects.filter(owner=user)
        .select_related("coach", "sort__concept", "cycle", "reflection__lesson")
        .annotate(comment_count=Count("comments"))
    )


def share_detail(*, share: Share) -> dict:
    context = {
        "share": share,
        "comments": list(Comment.objects.filter(share=share).select_related("author")),
    }
    if share.sort_id:
        context["summary"] = sort_summary(sort=share.sort)
    if share.cycle_id:
        context.update(cycle_detail(cycle=share.cycle))
    return context


def my_reflections(*, user):
    return ReflectionResponse.objects.filter(user=user).select_related("lesson").order_by("-updated_at")


# --- for learning (the composer) ---
def organization_inquiry_counts(*, user_ids) -> dict[int, dict]:
    """Per teacher: how many sorts and finished cycles, for the leader (counts only, never content)."""
    counts: dict[int, dict] = {uid: {"sorts": 0, "cycles": 0} for uid in user_ids}
    for row in Sort.objects.filter(owner_id__in=user_ids).values("owner_id").annotate(n=Count("pk")):
        counts[row["owner_id"]]["sorts"] = row["n"]
    finished = Cycle.objects.filter(owner_id__in=user_ids, finished_at__isnull=False)
    for row in finished.values("owner_id").annotate(n=Count("pk")):
        counts[row["owner_id"]]["cycles"] = row["n"]
    return counts


def transcript_cycles(*, user) -> list[dict]:
    """Finished cycles as documented practice: title, date, hours (the cycle type's) and the evidence link."""
    rows = []
    for cycle in Cycle.objects.filter(owner=user, finished_at__isnull=False).select_related("cycle_type"):
        rows.append(
            {
                "title": f"Inquiry cycle: {cycle.question}",
                "finished_on": cycle.finished_at,
                "pd_hours": cycle.cycle_type.pd_hours if cycle.cycle_type else Decimal("0"),
                "evidence_url": reverse("inquiry:cycle", args=[cycle.pk]),
            }
        )
    return rows


def account_inquiry_data(*, user) -> dict:
    """Her sorts and cycles for the data download: metadata, and a link to each piece of work."""
    sorts = (
        Sort.objects.filter(owner=user)
        .select_related("concept__grade", "probe")
        .prefetch_related(Prefetch("piles", queryset=Pile.objects.order_by("sort_order")), "pieces__pile")
    )
    return {
        "sorts": [
            {
                "class": s.class_label,
                "hlc": str(s.concept),
                "probe": s.probe.title if s.probe else None,
                "created": s.created.isoformat(),
                "what_are_they_showing_us": s.showing,
                "what_are_they_telling_us": s.telling,
                "next_teacher_table_focus": s.next_focus,
                "piles": [{"name": p.name, "note": p.note, "pieces": p.piece_count} for p in s.piles.all()],
                "pieces": [
                    {
                        "label": piece.label,
                        "pile": piece.pile.name if piece.pile else None,
                        "file": reverse("inquiry:piece_file", args=[piece.pk]),
                    }
                    for piece in s.pieces.all()
                ],
            }
            for s in sorts
        ],
        "cycles": [
            {
                "question": c.question,
                "practice": c.practice,
                "result": c.result,
                "finished": c.finished_at.isoformat() if c.finished_at else None,
                "shared_with": c.sharing,
            }
            for c in Cycle.objects.filter(owner=user)
        ],
    }


def student_work_archive(*, user):
    """Her pieces of student work as a ZIP (a folder per sort) with the JSON of account_inquiry_data.

    Returns a temporary file positioned at its start; only her own sorts' pieces are read.
    """
    archive = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zipped:
        zipped.writestr("sorts-and-cycles.json", json.dumps(account_inquiry_data(user=user), indent=2))
        pieces = Piece.objects.filter(sort__owner=user).select_related("sort", "pile").order_by("sort_id", "pk")
        for piece in pieces:
            extension = piece.file.name.rsplit(".", 1)[-1]
            pile = slugify(piece.pile.name if piece.pile else "not sorted") or "pile"
            name = f"sort-{piece.sort_id}/{pile}/piece-{slugify(piece.label) or piece.pk}-{piece.pk}.{extension}"
            try:
                with piece.file.open("rb") as handle:
                    zipped.writestr(name, handle.read())
            except OSError:  # a file retention already removed: the JSON still lists the piece
                continue
    archive.seek(0)
    return archive
