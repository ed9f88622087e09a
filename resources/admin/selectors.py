"""Reads for the library reports: downloads grouped four ways, the download log, searches without results."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet

from members.models import Role

from ..models import DownloadLog, ResourceAccess, SearchTerm

# group -> (the column grouped on, the heading staff read)
DOWNLOAD_GROUPS = {
    "resource": ("resource__title", "Resource"),
    "role": ("user__role", "Role"),
    "district": ("user__district", "District"),
    "organization": ("user__organization_memberships__organization__name", "Organization"),
}


def download_logs() -> QuerySet[DownloadLog]:
    return DownloadLog.objects.order_by()


def downloads_by(logs: QuerySet[DownloadLog], *, group: str) -> QuerySet:
    """Downloads and distinct downloaders per resource, role, district or organization, most first.

    Someone in two organizations counts for both.
    """
    column, _ = DOWNLOAD_GROUPS[group]
    if group == "resource":
        logs = logs.filter(resource__isnull=False)
        values = logs.values(column, "resource__access_level")
    elif group == "organization":
        values = logs.filter(user__organization_memberships__isnull=False).values(column)
    else:
        values = logs.values(column)
    return values.annotate(downloads=Count("pk"), people=Count("user", distinct=True)).order_by("-downloads", column)


def download_total_rows(rows, *, group: str) -> list[dict]:
    """One page of `downloads_by` in words: role labels, "Not given" for a blank district, access labels."""
    column, _ = DOWNLOAD_GROUPS[group]
    roles, access = dict(Role.choices), dict(ResourceAccess.choices)
    result = []
    for row in rows:
        name = row[column]
        if group == "role":
            name = roles.get(name, "Not given")
        elif group == "district":
            name = name or "Not given"
        result.append(
            {
                "name": name,
                "access": access.get(row.get("resource__access_level"), ""),
                "downloads": row["downloads"],
                "people": row["people"],
            }
        )
    return result


def download_log_rows(logs: QuerySet[DownloadLog]) -> QuerySet[DownloadLog]:
    """Every download, newest first, with what the log shows."""
    return (
        logs.select_related("user", "document", "resource")
        .prefetch_related("user__organization_memberships__organization")
        .order_by("-created", "-pk")
    )


def zero_result_searches(terms: QuerySet[SearchTerm] | None = None) -> QuerySet:
    """What people searched for and found nothing, most frequent first."""
    terms = SearchTerm.objects.all() if terms is None else terms
    return (
        terms.filter(results_count=0)
        .order_by()
        .values("query")
        .annotate(times=Count("pk"), last_searched=Max("created"), with_filters=Count("pk", filter=Q(filtered=True)))
        .order_by("-times", "-last_searched", "query")
    )
