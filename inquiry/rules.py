"""Who may see what in inquiry: one rule, one function. Views, selectors and templates ask these.

Student work is the teacher's: she sees her sorts; a coach sees only what was shared with her (and only
while she is still a coach of that teacher); a group sort is seen by its coach and the teachers whose
pieces are on it. District leaders see counts, never content; staff have no pass here either.
Finished cycles a teacher shared with her district or the network are seen anonymised (no pieces).
"""

from __future__ import annotations

from django.db.models import Q

from members.access import ALLOW, Decision, Reason, entitlements_for, is_coach_of, is_member_of

from .models import Cycle, Share, Sort

_LOGIN = Decision(False, Reason.LOGIN, "Sign in to see your sorts.")
_NOT_YOURS = Decision(False, Reason.FORBIDDEN, "This sort is private to the teacher who made it.")


def can_view_sort(user, sort: Sort) -> Decision:
    """The one rule for a sort and its pieces of student work."""
    if not entitlements_for(user).is_authenticated:
        return _LOGIN
    if sort.owner_id == user.pk:
        return ALLOW
    if sort.is_group and sort.pieces.filter(contributor=user).exists():
        return ALLOW
    # Shared as itself, or as a sort of a shared cycle.
    shared = (
        Share.objects.filter(coach=user, owner_id=sort.owner_id)
        .filter(Q(sort=sort) | Q(cycle__baseline=sort) | Q(cycle__follow_up=sort))
        .exists()
    )
    if shared and is_coach_of(user, sort.owner):
        return ALLOW
    return _NOT_YOURS


def can_change_sort(user, sort: Sort) -> bool:
    """Only the teacher (or the coach running a group sort) who owns it uploads, sorts and writes notes."""
    return entitlements_for(user).is_authenticated and sort.owner_id == user.pk


def can_view_cycle(user, cycle: Cycle) -> Decision:
    """The whole cycle, sorts included: its teacher, and a coach she shared it with."""
    if not entitlements_for(user).is_authenticated:
        return _LOGIN
    if cycle.owner_id == user.pk:
        return ALLOW
    if Share.objects.filter(coach=user, cycle=cycle).exists() and is_coach_of(user, cycle.owner):
        return ALLOW
    return Decision(False, Reason.FORBIDDEN, "This inquiry cycle is private to the teacher who ran it.")


def can_change_cycle(user, cycle: Cycle) -> bool:
    """Only the teacher who runs the cycle edits, finishes, shares or deletes it."""
    return entitlements_for(user).is_authenticated and cycle.owner_id == user.pk


def can_view_shared_cycle(user, cycle: Cycle) -> Decision:
    """The anonymised page of a finished cycle: its district (when shared there) or every signed-in member."""
    if not entitlements_for(user).is_authenticated:
        return _LOGIN
    if not cycle.is_finished:
        return Decision(False, Reason.FORBIDDEN, "This cycle is not shared.")
    if cycle.sharing == Cycle.Sharing.NETWORK:
        return ALLOW
    if cycle.sharing == Cycle.Sharing.DISTRICT and is_member_of(user, cycle.organization_id):
        return ALLOW
    return Decision(False, Reason.FORBIDDEN, "This cycle is not shared with you.")


def can_view_share(user, share: Share) -> Decision:
    """A shared item's conversation: the teacher who shared it and the coach it was shared with (while coach)."""
    if not entitlements_for(user).is_authenticated:
        return _LOGIN
    if share.owner_id == user.pk:
        return ALLOW
    if share.coach_id == user.pk and is_coach_of(user, share.owner):
        return ALLOW
    return Decision(False, Reason.FORBIDDEN, "Only the teacher and her coach see this.")


def may_share_with(teacher, coach) -> bool:
    """A teacher shares only with a coach of one of her organizations."""
    return is_coach_of(coach, teacher)
