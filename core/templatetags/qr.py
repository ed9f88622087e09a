from django import template

from core.qr import qr_data_uri

register = template.Library()


@register.simple_tag(takes_context=True)
def qr_src(context, href: str) -> str:
    """A data: URI of a QR code for `href`, made absolute against the current request."""
    request = context.get("request")
    url = request.build_absolute_uri(href) if request is not None else href
    return qr_data_uri(url)
