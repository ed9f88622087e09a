"""Links to High Leverage Concept hubs from pages of the apps below home (library, resources, courses).

Templates may load this; the apps' Python never imports home.
"""

from django import template

from home.selectors import concept_hub_urls

register = template.Library()


@register.simple_tag
def concept_hub_url(concept_id) -> str:
    """The URL of the concept's live hub, or "" (one cached map for the whole site)."""
    try:
        return concept_hub_urls().get(int(concept_id), "")
    except (TypeError, ValueError):  # a hand-typed filter value
        return ""
