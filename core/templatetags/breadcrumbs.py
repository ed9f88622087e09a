"""The breadcrumb trail of a page, from the published cache: a page's ancestors change only when
something is published, moved or deleted, which is when the cache forgets (core.page_cache)."""

from django import template

from core.page_cache import published_read

register = template.Library()
TRAIL_SECONDS = 3600


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context, page) -> list[dict]:
    """[{"title", "url"}] for the page's ancestors below the tree root; the home page reads "Home"."""
    request = context.get("request")

    def build() -> list[dict]:
        return [
            {"title": "Home" if ancestor.depth == 2 else ancestor.title, "url": ancestor.get_url(request)}
            for ancestor in page.get_ancestors().filter(depth__gt=1)
        ]

    if request is None or getattr(request, "is_preview", False) or not page.pk:
        return build()  # an editor's preview (perhaps of a page not saved yet) is built as it stands
    site = getattr(request, "_wagtail_site", None)
    return published_read(("breadcrumbs", page.path, site.pk if site else ""), build, TRAIL_SECONDS)
