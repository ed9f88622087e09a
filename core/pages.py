"""Page mixins shared by feature apps."""

from collections import defaultdict

from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page, PageViewRestriction

from .page_cache import published_read

RESTRICTIONS_SECONDS = 300


class PrintablePageMixin(RoutablePageMixin):
    """Adds `<page>/print/`: the page itself, with print-only extras such as a QR code per next-step link."""

    @path("")
    def page_view(self, request):
        return self.render(request)

    @path("print/", name="print")
    def print_view(self, request):
        return self.render(request, context_overrides={"print_view": True})

    @property
    def print_url(self) -> str:
        return self.url + self.reverse_subpage("print")


def restricted_paths() -> dict[str, list[int]]:
    """Tree path -> ids of the view restrictions that apply there (an alias carries its original's).

    From the published reads: saving or deleting a restriction, or publishing, moving or deleting a page,
    forgets it (settings.PAGE_CACHE_INVALIDATED_BY)."""

    def build() -> dict[str, list[int]]:
        paths: dict[str, list[int]] = defaultdict(list)
        by_page: dict[int, list[int]] = defaultdict(list)
        for pk, page_id, page_path in PageViewRestriction.objects.values_list("pk", "page_id", "page__path"):
            paths[page_path].append(pk)
            by_page[page_id].append(pk)
        for alias_path, original_id in Page.objects.filter(alias_of__in=list(by_page)).values_list("path", "alias_of"):
            paths[alias_path].extend(by_page[original_id])
        return dict(paths)

    return published_read(("view-restrictions",), build, RESTRICTIONS_SECONDS)


class PublishedViewRestrictionsMixin:
    """Wagtail's privacy check with no query for a page that nothing restricts (most of them): which paths
    carry a restriction is a published read; the restrictions themselves are read only where some apply."""

    def get_view_restrictions(self):
        if not self.pk or not self.path:
            return super().get_view_restrictions()
        chain = {self.path[: i * self.steplen] for i in range(1, self.depth + 1)}
        ids = [pk for page_path, pks in restricted_paths().items() if page_path in chain for pk in pks]
        return PageViewRestriction.objects.filter(pk__in=ids) if ids else PageViewRestriction.objects.none()
