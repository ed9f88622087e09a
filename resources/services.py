"""Writes of the resource library: download log, saved resources, search terms."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .models import DownloadLog, ResourceFile, ResourcePage, SavedResource, SearchTerm


def resource_for_document(*, document) -> ResourcePage | None:
    """The live resource that offers this document as a file (the first one, if several do)."""
    file = (
        ResourceFile.objects.filter(document=document, page__live=True)
        .select_related("page")
        .order_by("page__path", "sort_order")
        .first()
    )
    return file.page if file else None


def unpublished_resource_decision(*, user, document):
    """The access decision of resources not (or no longer) live that use this document, or None.

    The access service only asks live pages; without this, unpublishing a member resource
    (or uploading files to a draft) would leave its files to the public collection's rules.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ReferenceIndex

    refs = ReferenceIndex.get_references_to(document).filter(
        content_type=ContentType.objects.get_for_model(ResourcePage)
    )
    pages = list(ResourcePage.objects.filter(pk__in=[int(pk) for pk in refs.values_list("object_id", flat=True)]))
    if not pages:
        return None
    decisions = [page.document_access_decision(user) for page in pages]
    return next((d for d in decisions if d), decisions[0])


@transaction.atomic
def download_log_create(*, user, document, resource: ResourcePage | None = None) -> DownloadLog:
    """Record one served download. The resource defaults to the one that offers the file."""
    if resource is None:
        resource = resource_for_document(document=document)
    return DownloadLog.objects.create(user=user, document=document, resource=resource)


def resource_save(*, user, resource: ResourcePage) -> SavedResource:
    """Save a resource to the user's library; saving twice keeps one entry."""
    try:
        with transaction.atomic():
            saved, _ = SavedResource.objects.get_or_create(user=user, resource=resource)
    except IntegrityError:
        # A double click raced us to the insert; the row exists, which is what was asked.
        saved = SavedResource.objects.get(user=user, resource=resource)
    return saved


@transaction.atomic
def resource_unsave(*, user, resource: ResourcePage) -> bool:
    """Remove a resource from the user's library. True if it was there."""
    deleted, _ = SavedResource.objects.filter(user=user, resource=resource).delete()
    return bool(deleted)


def search_term_record(*, query: str, results_count: int, user=None, filtered: bool = False) -> SearchTerm:
    """Keep a library search for the search-terms report (normalised: trimmed, lower case)."""
    role = getattr(user, "role", "") if user is not None and user.is_authenticated else ""
    return SearchTerm.objects.create(
        query=" ".join(query.lower().split())[:200],
        results_count=results_count,
        role=role or "",
        filtered=filtered,
    )
