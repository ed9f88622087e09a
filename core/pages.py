"""Page mixins shared by feature apps."""

from wagtail.contrib.routable_page.models import RoutablePageMixin, path


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
