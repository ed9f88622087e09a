"""Thin views of inquiry: parse, ask inquiry.rules, call a service or selector, render.

A refused sort, piece or cycle answers 404 (not 403): nobody learns that someone else's work exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from core.params import clean_text, parse_id
from members.access import coaches_for, entitlements_for
from taxonomy.models import Grade

from . import rules, selectors, services
from .forms import CycleForm, CycleStartForm, NotesForm, SortForm, UploadForm
from .models import Cycle, Piece, Pile, Share, Sort
from .services import InquiryError


def _sort_for(request, sort_id, *, change=False) -> Sort:
    sort = get_object_or_404(Sort.objects.select_related("concept__grade", "probe", "owner"), pk=sort_id)
    allowed = rules.can_change_sort(request.user, sort) if change else rules.can_view_sort(request.user, sort)
    if not allowed:
        raise Http404
    return sort


def _cycle_for(request, cycle_id, *, change=False) -> Cycle:
    cycle = get_object_or_404(
        Cycle.objects.select_related("baseline__concept__grade", "follow_up", "cycle_type", "owner"), pk=cycle_id
    )
    allowed = rules.can_change_cycle(request.user, cycle) if change else rules.can_view_cycle(request.user, cycle)
    if not allowed:
        raise Http404
    return cycle


def _private(response):
    """Student work and what is written about it are never kept by a shared cache, nor by the browser."""
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- my sorts and cycles ---
@login_required
def index(request):
    context = selectors.my_inquiry(user=request.user)
    context["shares"] = selectors.my_shares(user=request.user)
    context["coached"] = selectors.shared_with_coach(coach=request.user)
    return _private(render(request, "inquiry/index.html", context))


@login_required
def sort_new(request):
    may_run_group = bool(entitlements_for(request.user).coach_organization_ids)
    # From an HLC's hub ("Sort your class's answers"): that concept is chosen already.
    initial = {"concept": parse_id(request.GET.get("hlc"))}
    form = SortForm(request.POST or None, initial=initial, may_run_group=may_run_group)
    if request.method == "POST" and form.is_valid():
        sort = services.sort_create(owner=request.user, **form.cleaned_data)
        messages.success(request, "Your sort is ready. Upload your students' work, then sort it into piles.")
        return redirect("inquiry:sort", sort_id=sort.pk)
    return _private(render(request, "inquiry/sort_new.html", {"form": form}))


@login_required
def sort_detail(request, sort_id):
    sort = _sort_for(request, sort_id)
    context = {
        "sort": sort,
        "board": selectors.sort_board(sort=sort),
        "may_change": rules.can_change_sort(request.user, sort),
        "upload_form": UploadForm(contributors=selectors.group_contributors(sort=sort)),
    }
    return _private(render(request, "inquiry/sort_board.html", context))


@login_required
@require_POST
def sort_upload(request, sort_id):
    sort = _sort_for(request, sort_id, change=True)
    files = request.FILES.getlist("files")
    contributors = selectors.group_contributors(sort=sort)
    contributor_id = parse_id(request.POST.get("contributor"))
    contributor = (
        contributors.filter(pk=contributor_id).first() if contributors is not None and contributor_id else None
    )
    try:
        created, refused = services.pieces_add(sort=sort, files=files, contributor=contributor)
    except InquiryError as exc:
        messages.error(request, str(exc))
    else:
        for sentence in refused:
            messages.warning(request, sentence)
        if created:
            messages.success(request, f"Added {len(created)} piece{'s' if len(created) != 1 else ''} of work.")
    return redirect("inquiry:sort", sort_id=sort.pk)


@login_required
@require_POST
def sort_move(request, sort_id):
    """One piece to a pile (or back to not sorted): the board's Move button, and the drag-and-drop script."""
    sort = _sort_for(request, sort_id, change=True)
    piece = get_object_or_404(Piece, pk=parse_id(request.POST.get("piece")) or 0, sort=sort)
    pile_id = parse_id(request.POST.get("pile"))
    pile = get_object_or_404(Pile, pk=pile_id, sort=sort) if pile_id else None
    services.piece_move(piece=piece, pile=pile)
    messages.success(request, f"Piece {piece.label} moved to {pile.name if pile else 'Not sorted yet'}.")
    return redirect(f"{reverse('inquiry:sort', args=[sort.pk])}#piece-{piece.pk}")


@login_required
@require_POST
def sort_piles(request, sort_id):
    """Add a pile, or rename one and write its note, or remove one (its pieces go back to not sorted)."""
    sort = _sort_for(request, sort_id, change=True)
    action = request.POST.get("action")
    try:
        if action == "add":
            pile = services.pile_add(sort=sort, name=clean_text(request.POST.get("name"), max_length=80))
            messages.success(request, f"Pile “{pile.name}” added.")
        else:
            pile = get_object_or_404(Pile, pk=parse_id(request.POST.get("pile")) or 0, sort=sort)
            if action == "delete":
                services.pile_delete(pile=pile)
                messages.success(request, f"Pile “{pile.name}” removed; its pieces are back in Not sorted yet.")
            else:
                activity = selectors.menu_activity_by_id(
                    concept=sort.concept, resource_id=parse_id(request.POST.get("menu_activity"))
                )
                services.pile_update(
                    pile=pile,
                    name=clean_text(request.POST.get("name"), max_length=80),
                    note=clean_text(request.POST.get("note"), max_length=2000),
                    menu_activity=activity if activity is not None else pile.menu_activity,
                )
                messages.success(request, f"Pile “{pile.name}” saved.")
    except InquiryError as exc:
        messages.error(request, str(exc))
    next_page = "inquiry:sort_summary" if request.POST.get("next") == "summary" else "inquiry:sort"
    return redirect(next_page, sort_id=sort.pk)


@login_required
@require_POST
def piece_edit(request, piece_id):
    piece = get_object_or_404(Piece.objects.select_related("sort"), pk=piece_id)
    if not rules.can_change_sort(request.user, piece.sort):
        raise Http404
    if request.POST.get("action") == "delete":
        services.piece_delete(piece=piece)
        messages.success(request, f"Piece {piece.label} deleted.")
    else:
        try:
            services.piece_relabel(piece=piece, label=clean_text(request.POST.get("label"), max_length=80))
            messages.success(request, "Label saved.")
        except InquiryError as exc:
            messages.error(request, str(exc))
    return redirect("inquiry:sort", sort_id=piece.sort_id)


@login_required
def piece_file(request, piece_id):
    """The only door to a piece of student work: the sort's rule, then the file streamed, never cached."""
    piece = get_object_or_404(Piece.objects.select_related("sort"), pk=piece_id)
    if not rules.can_view_sort(request.user, piece.sort):
        raise Http404
    try:
        handle = piece.file.open("rb")
    except OSError:
        raise Http404 from None
    extension = piece.file.name.rsplit(".", 1)[-1]
    response = FileResponse(handle, content_type=piece.content_type, filename=f"piece-{piece.pk}.{extension}")
    response["Content-Disposition"] = f'inline; filename="piece-{piece.pk}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)


@login_required
def sort_summary(request, sort_id):
    sort = _sort_for(request, sort_id)
    may_change = rules.can_change_sort(request.user, sort)
    form = NotesForm(request.POST or None, instance=sort)
    if request.method == "POST":
        if not may_change:
            raise Http404
        if form.is_valid():
            services.sort_notes_save(
                sort=sort, **{k: form.cleaned_data[k] for k in ("showing", "telling", "next_focus")}
            )
            messages.success(request, "Notes and plan saved.")
            return redirect("inquiry:sort_summary", sort_id=sort.pk)
    context = selectors.sort_summary(sort=sort)
    context.update(
        {
            "sort": sort,
            "form": form,
            "may_change": may_change,
            "coaches": coaches_for(request.user) if may_change else [],
            "cycles": list(sort.baseline_of.all()) if may_change else [],
        }
    )
    return _private(render(request, "inquiry/sort_summary.html", context))


@login_required
def export(request):
    """Her own student work, to take with her (the account data page links here)."""
    archive = selectors.student_work_archive(user=request.user)
    response = FileResponse(archive, content_type="application/zip", as_attachment=True, filename="my-student-work.zip")
    return _private(response)


@login_required
@require_POST
def sort_delete(request, sort_id):
    sort = _sort_for(request, sort_id, change=True)
    try:
        services.sort_delete(sort=sort)
    except InquiryError as exc:
        messages.error(request, str(exc))
        return redirect("inquiry:sort_summary", sort_id=sort.pk)
    messages.success(request, "The sort and its student work are deleted.")
    return redirect("inquiry:index")


# --- cycles ---
@login_required
def cycle_new(request, sort_id):
    sort = _sort_for(request, sort_id, change=True)
    form = CycleStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(owner=request.user, baseline=sort, **form.cleaned_data)
        except InquiryError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Cycle started. Try the practice, then run a follow-up sort.")
            return redirect("inquiry:cycle", cycle_id=cycle.pk)
    return _private(render(request, "inquiry/cycle_new.html", {"form": form, "sort": sort}))


@login_required
def cycle_detail(request, cycle_id):
    cycle = _cycle_for(request, cycle_id)
    may_change = rules.can_change_cycle(request.user, cycle)
    form = CycleForm(
        request.POST or None,
        instance=cycle,
        user=request.user,
        resources=selectors.practice_resources_for(concept=cycle.baseline.concept),
        lessons=selectors.practice_lessons_for(user=cycle.owner),
    )
    if request.method == "POST":
        if not may_change:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.cycle_update(
                    cycle=cycle,
                    practice=data["practice"],
                    result=data["result"],
                    follow_up=data["follow_up"],
                    cycle_type=data["cycle_type"],
                    resources=data["practice_resources"],
                    lessons=data["practice_lessons"],
                )
                if request.POST.get("finish"):
                    services.cycle_finish(cycle=cycle)
                    messages.success(request, "Cycle finished. It is on your PD transcript.")
                else:
                    messages.success(request, "Cycle saved.")
                return redirect("inquiry:cycle", cycle_id=cycle.pk)
            except InquiryError as exc:
                form.add_error(None, str(exc))
    context = selectors.cycle_detail(cycle=cycle)
    context.update(
        {
            "form": form,
            "may_change": may_change,
            "coaches": coaches_for(request.user) if may_change else [],
            "sharing_choices": Cycle.Sharing.choices,
        }
    )
    return _private(render(request, "inquiry/cycle.html", context))


@login_required
@require_POST
def cycle_delete(request, cycle_id):
    cycle = _cycle_for(request, cycle_id, change=True)
    services.cycle_delete(cycle=cycle)
    messages.success(request, "The cycle is deleted; its sorts are still in My sorts.")
    return redirect("inquiry:index")


@login_required
@require_POST
def cycle_share(request, cycle_id):
    cycle = _cycle_for(request, cycle_id, change=True)
    try:
        services.cycle_set_sharing(cycle=cycle, sharing=request.POST.get("sharing", ""))
    except InquiryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Shared with: {cycle.get_sharing_display()}.")
    return redirect("inquiry:cycle", cycle_id=cycle.pk)


@login_required
def shared_list(request):
    grade = clean_text(request.GET.get("grade"), max_length=2)
    concept_id = parse_id(request.GET.get("hlc"))
    cycles = list(selectors.shared_cycles(user=request.user, grade_code=grade, concept_id=concept_id)[:50])
    context = {
        "cycles": cycles,
        "grades": Grade.objects.all(),
        "concepts": selectors.concepts_for_choice(),
        "grade": grade,
        "concept_id": concept_id,
    }
    return _private(render(request, "inquiry/shared_list.html", context))


@login_required
def shared_detail(request, cycle_id):
    cycle = get_object_or_404(Cycle.objects.select_related("baseline__concept__grade", "cycle_type"), pk=cycle_id)
    if not rules.can_view_shared_cycle(request.user, cycle):
        raise Http404
    return _private(render(request, "inquiry/shared_detail.html", selectors.cycle_detail(cycle=cycle)))


# --- coaching ---
@login_required
def share_new(request):
    """Share one of her sorts, cycles or course reflections with her coach (a POST from the item's page)."""
    if request.method != "POST":
        context = {
            "coaches": coaches_for(request.user),
            "reflections": selectors.my_reflections(user=request.user),
            "shares": selectors.my_shares(user=request.user),
        }
        return _private(render(request, "inquiry/share_new.html", context))
    coach = next((c for c in coaches_for(request.user) if c.pk == parse_id(request.POST.get("coach"))), None)
    kind, item_id = request.POST.get("kind"), parse_id(request.POST.get("item"))
    item = None
    if kind == "sort":
        item = Sort.objects.filter(pk=item_id, owner=request.user).first()
    elif kind == "cycle":
        item = Cycle.objects.filter(pk=item_id, owner=request.user).first()
    elif kind == "reflection":
        item = selectors.my_reflections(user=request.user).filter(pk=item_id).first()
    if coach is None or item is None:
        messages.error(request, "Choose your coach and one of your own sorts, cycles or reflections.")
        return redirect("inquiry:share_new")
    try:
        share = services.share_create(owner=request.user, coach=coach, **{kind: item})
    except InquiryError as exc:
        messages.error(request, str(exc))
        return redirect("inquiry:share_new")
    messages.success(request, f"Shared with {coach}. You will get an e-mail when she comments.")
    return redirect("inquiry:share", share_id=share.pk)


@login_required
def share_detail(request, share_id):
    share = get_object_or_404(
        Share.objects.select_related("owner", "coach", "sort__concept__grade", "cycle", "reflection__lesson"),
        pk=share_id,
    )
    if not rules.can_view_share(request.user, share):
        raise Http404
    if request.method == "POST":
        try:
            services.comment_create(
                share=share, author=request.user, body=clean_text(request.POST.get("body"), max_length=5000)
            )
        except InquiryError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Comment sent.")
        return redirect("inquiry:share", share_id=share.pk)
    return _private(render(request, "inquiry/share.html", selectors.share_detail(share=share)))
