"""The writes of inquiry: sorts, pieces, piles, cycles, shares, comments and the deletion of student work.

Every write runs in a transaction; stored files are removed only after the rows' deletion commits.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.email import send_templated_email
from members.models import Organization, OrganizationMember, User

from .models import Comment, Cycle, Piece, Pile, Share, Sort, SuggestedPile
from .storage import student_work
from .uploads import CleanPiece, UploadRefused, check_label, clean_upload

logger = logging.getLogger(__name__)


class InquiryError(ValueError):
    """A request we refuse with a sentence the teacher can act on."""


def home_organization(user: User) -> Organization | None:
    """The organization whose coach and retention apply to her work: a seat first, then any membership."""
    member = (
        OrganizationMember.objects.filter(user=user).select_related("organization").order_by("-has_seat", "pk").first()
    )
    return member.organization if member else None


# --- sorts ---
@transaction.atomic
def sort_create(*, owner: User, class_label: str, concept, probe=None, is_group: bool = False) -> Sort:
    """A new sort with the HLC's suggested piles (she renames, adds or removes them on the board)."""
    sort = Sort.objects.create(
        owner=owner,
        organization=home_organization(owner),
        class_label=class_label,
        concept=concept,
        probe=probe,
        is_group=is_group,
    )
    suggested = SuggestedPile.objects.filter(concept=concept).order_by("sort_order", "name")
    Pile.objects.bulk_create(
        [Pile(sort=sort, name=s.name, note=s.description, sort_order=i) for i, s in enumerate(suggested)]
    )
    return sort


@transaction.atomic
def pile_add(*, sort: Sort, name: str) -> Pile:
    name = " ".join((name or "").split())[:80]
    if not name:
        raise InquiryError("Name the pile by the strategy or model it shows.")
    if sort.piles.filter(name__iexact=name).exists():
        raise InquiryError(f"There is already a pile called “{name}”.")
    order = (sort.piles.order_by("-sort_order").values_list("sort_order", flat=True).first() or 0) + 1
    return Pile.objects.create(sort=sort, name=name, sort_order=order)


@transaction.atomic
def pile_update(*, pile: Pile, name: str, note: str, menu_activity=None) -> Pile:
    name = " ".join((name or "").split())[:80]
    if not name:
        raise InquiryError("A pile needs a name.")
    if pile.sort.piles.exclude(pk=pile.pk).filter(name__iexact=name).exists():
        raise InquiryError(f"There is already a pile called “{name}”.")
    pile.name, pile.note, pile.menu_activity = name, note.strip(), menu_activity
    pile.save(update_fields=["name", "note", "menu_activity"])
    return pile


@transaction.atomic
def pile_delete(*, pile: Pile) -> None:
    """Its pieces go back to "not sorted yet"; the work itself stays."""
    sort = pile.sort
    pile.delete()
    _recount(sort)


def _recount(sort: Sort) -> None:
    """Each pile's piece_count from its pieces (kept so the summary outlives the deleted work)."""
    sort.piles.update(piece_count=0)
    for row in sort.pieces.filter(pile__isnull=False).values("pile_id").annotate(n=Count("pk")):
        Pile.objects.filter(pk=row["pile_id"]).update(piece_count=row["n"])
    Sort.objects.filter(pk=sort.pk).update(updated=timezone.now())


@transaction.atomic
def pieces_add(*, sort: Sort, files, contributor: User | None = None) -> tuple[list[Piece], list[str]]:
    """Store each file's pieces, cleaned (inquiry.uploads); returns the pieces and a sentence per refused file."""
    files = list(files)
    if not files:
        raise InquiryError("Choose at least one photo or scan of student work.")
    if len(files) > settings.INQUIRY_MAX_FILES_PER_UPLOAD:
        raise InquiryError(f"Upload at most {settings.INQUIRY_MAX_FILES_PER_UPLOAD} files at a time.")
    if sort.work_deleted_at is not None:
        raise InquiryError("This sort's student work was deleted under your retention period; start a new sort.")
    cleaned: list[CleanPiece] = []
    refused: list[str] = []
    for uploaded in files:
        try:
            cleaned.extend(clean_upload(uploaded))
        except UploadRefused as exc:
            refused.append(str(exc))
    room = settings.INQUIRY_MAX_PIECES_PER_SORT - sort.pieces.count()
    if len(cleaned) > room:
        limit, left_out = settings.INQUIRY_MAX_PIECES_PER_SORT, len(cleaned) - max(room, 0)
        refused.append(f"A sort holds at most {limit} pieces; {left_out} were not added.")
        cleaned = cleaned[: max(room, 0)]
    number = sort.pieces.count()
    created = []
    try:
        for clean in cleaned:
            number += 1
            piece = Piece(sort=sort, label=str(number), content_type=clean.content_type, contributor=contributor)
            piece.file.save(f"piece.{clean.extension}", ContentFile(clean.content), save=False)
            created.append(piece)
            piece.save()
    except BaseException:
        # The rows roll back with this transaction; the files stored so far must not stay behind.
        _delete_files([piece.file.name for piece in created])
        raise
    Sort.objects.filter(pk=sort.pk).update(updated=timezone.now())
    return created, refused


@transaction.atomic
def piece_move(*, piece: Piece, pile: Pile | None) -> Piece:
    if pile is not None and pile.sort_id != piece.sort_id:
        raise InquiryError("That pile belongs to another sort.")
    piece.pile = pile
    piece.save(update_fields=["pile"])
    _recount(piece.sort)
    return piece


@transaction.atomic
def piece_relabel(*, piece: Piece, label: str) -> Piece:
    try:
        piece.label = check_label(label)
    except UploadRefused as exc:
        raise InquiryError(str(exc)) from None
    piece.save(update_fields=["label"])
    return piece


@transaction.atomic
def piece_delete(*, piece: Piece) -> None:
    sort, name = piece.sort, piece.file.name
    piece.delete()
    _recount(sort)
    transaction.on_commit(lambda: _delete_files([name]))


@transaction.atomic
def sort_notes_save(*, sort: Sort, showing: str, telling: str, next_focus: str) -> Sort:
    sort.showing, sort.telling, sort.next_focus = showing.strip(), telling.strip(), next_focus.strip()
    sort.save(update_fields=["showing", "telling", "next_focus", "updated"])
    return sort


@transaction.atomic
def sort_delete(*, sort: Sort) -> None:
    if sort.baseline_of.exists():
        raise InquiryError("This sort is the baseline of an inquiry cycle; delete the cycle first.")
    names = list(sort.pieces.values_list("file", flat=True))
    sort.delete()
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names) -> None:
    for name in names:
        if not name:
            continue
        try:
            student_work.delete(name)
        except OSError:  # gone already, or the bucket hiccupped: the retention run tries nothing twice
            logger.warning("Could not delete student work file %s", name)


# --- retention and account deletion ---
def retention_days(organization: Organization | None) -> int:
    return organization.student_work_retention_days if organization else settings.INQUIRY_DEFAULT_RETENTION_DAYS


def student_work_delete_expired(*, now=None) -> int:
    """Delete pieces (rows and files) older than their district's retention period; counts and notes stay.

    `now` is explicit so the rule is tested with a fixed clock. Returns how many pieces were deleted.
    """
    now = now or timezone.now()
    default_cutoff = now - timedelta(days=settings.INQUIRY_DEFAULT_RETENTION_DAYS)
    expired = Q(sort__organization__isnull=True, created__lt=default_cutoff)
    for org_id, days in (
        Organization.objects.filter(inquiry_sorts__isnull=False)
        .values_list("pk", "student_work_retention_days")
        .distinct()
    ):
        expired |= Q(sort__organization_id=org_id, created__lt=now - timedelta(days=days))
    deleted = 0
    sort_ids = set(Piece.objects.filter(expired).values_list("sort_id", flat=True).distinct())
    for sort in Sort.objects.filter(pk__in=sort_ids):
        with transaction.atomic():
            pieces = Piece.objects.select_for_update().filter(expired, sort=sort)
            names = list(pieces.values_list("file", flat=True))
            deleted += len(names)
            pieces.delete()
            # No _recount: the pile counts stay as the teacher last sorted them.
            if not sort.pieces.exists():
                Sort.objects.filter(pk=sort.pk).update(work_deleted_at=now)
            transaction.on_commit(lambda names=names: _delete_files(names))
    return deleted


@transaction.atomic
def student_work_delete_for_user(*, user: User) -> None:
    """Her account is deleted: her sorts, cycles, shares and the student work go with it."""
    names = list(Piece.objects.filter(sort__owner=user).values_list("file", flat=True))
    Share.objects.filter(Q(owner=user) | Q(coach=user)).delete()
    Comment.objects.filter(author=user).delete()
    Cycle.objects.filter(owner=user).delete()
    Sort.objects.filter(owner=user).delete()
    # Her pieces on someone else's group board are her class's work: they go too.
    contributed = Piece.objects.filter(contributor=user)
    names += list(contributed.values_list("file", flat=True))
    group_sorts = list(Sort.objects.filter(pieces__contributor=user).distinct())
    contributed.delete()
    for sort in group_sorts:
        _recount(sort)
    transaction.on_commit(lambda: _delete_files(names))


# --- cycles ---
@transaction.atomic
def cycle_create(*, owner: User, question: str, baseline: Sort, cycle_type=None) -> Cycle:
    question = " ".join((question or "").split())
    if not question:
        raise InquiryError("Write the question your cycle asks about a practice.")
    if baseline.owner_id != owner.pk:
        raise InquiryError("Start a cycle from one of your own sorts.")
    return Cycle.objects.create(
        owner=owner,
        organization=baseline.organization,
        question=question[:300],
        baseline=baseline,
        cycle_type=cycle_type,
    )


@transaction.atomic
def cycle_update(
    *, cycle: Cycle, practice: str, result: str, follow_up=None, cycle_type=None, resources=(), lessons=()
) -> Cycle:
    if follow_up is not None and (follow_up.owner_id != cycle.owner_id or follow_up.pk == cycle.baseline_id):
        raise InquiryError("The follow-up must be another of your sorts.")
    cycle.practice, cycle.result = practice.strip(), result.strip()
    cycle.follow_up, cycle.cycle_type = follow_up, cycle_type
    cycle.save(update_fields=["practice", "result", "follow_up", "cycle_type"])
    cycle.practice_resources.set(resources)
    cycle.practice_lessons.set(lessons)
    return cycle


@transaction.atomic
def cycle_finish(*, cycle: Cycle, now=None) -> Cycle:
    """Finished once: it then counts on the transcript and may be shared. Needs a follow-up and a result."""
    if cycle.follow_up_id is None or not cycle.result:
        raise InquiryError("Add the follow-up sort and a short result before finishing the cycle.")
    Cycle.objects.filter(pk=cycle.pk, finished_at__isnull=True).update(finished_at=now or timezone.now())
    cycle.refresh_from_db()
    return cycle


@transaction.atomic
def cycle_delete(*, cycle: Cycle) -> None:
    """The cycle goes (and off the transcript); its sorts stay until she deletes them."""
    cycle.delete()


@transaction.atomic
def cycle_set_sharing(*, cycle: Cycle, sharing: str) -> Cycle:
    if sharing not in Cycle.Sharing.values:
        raise InquiryError("Choose who may see the cycle.")
    if sharing != Cycle.Sharing.PRIVATE and not cycle.is_finished:
        raise InquiryError("Finish the cycle before sharing it.")
    if sharing == Cycle.Sharing.DISTRICT and cycle.organization_id is None:
        raise InquiryError("You are not in a district; share with the network or keep it private.")
    cycle.sharing = sharing
    cycle.save(update_fields=["sharing"])
    return cycle


# --- coaching ---
@transaction.atomic
def share_create(*, owner: User, coach: User, sort=None, cycle=None, reflection=None) -> Share:
    """Share one item with her coach (once: sharing again returns the same share) and tell the coach."""
    from .rules import may_share_with

    if not may_share_with(owner, coach):
        raise InquiryError("Share with a coach of your district.")
    target = {"sort": sort, "cycle": cycle, "reflection": reflection}
    kind, item = next(((k, v) for k, v in target.items() if v is not None), (None, None))
    if item is None or getattr(item, "owner_id", getattr(item, "user_id", None)) != owner.pk:
        raise InquiryError("Share one of your own sorts, cycles or reflections.")
    existing = Share.objects.filter(coach=coach, **{kind: item}).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            share = Share.objects.create(owner=owner, coach=coach, kind=kind, **{kind: item})
    except IntegrityError:
        return Share.objects.get(coach=coach, **{kind: item})
    send_templated_email(
        to=[coach.email],
        template_prefix="inquiry/email/shared",
        context={"share": share, "teacher": owner, "url": reverse("inquiry:share", args=[share.pk])},
        key=f"inquiry-share:{share.pk}",
    )
    return share


@transaction.atomic
def comment_create(*, share: Share, author: User, body: str) -> Comment:
    """A comment on a shared item; the other person gets an e-mail with a link (never the content)."""
    body = (body or "").strip()
    if not body:
        raise InquiryError("Write a comment first.")
    comment = Comment.objects.create(share=share, author=author, body=body[:5000])
    other = share.owner if author.pk == share.coach_id else share.coach
    send_templated_email(
        to=[other.email],
        template_prefix="inquiry/email/comment",
        context={"share": share, "author": author, "url": reverse("inquiry:share", args=[share.pk])},
        key=f"inquiry-comment:{comment.pk}",
    )
    return comment
