import factory
from django.core.files.base import ContentFile
from django.utils.text import slugify
from wagtail.documents import get_document_model

from home.factories import PageFactory

from .models import (
    DownloadLog,
    RelatedResource,
    ResourceAccess,
    ResourceFile,
    ResourceIndexPage,
    ResourcePage,
    SavedResource,
    SearchTerm,
)


class ResourceIndexPageFactory(PageFactory):
    class Meta:
        model = ResourceIndexPage

    title = "Resources"
    slug = "resources"


def pdf_bytes(title: str, lines: list[str] | None = None) -> bytes:
    """A real one-page PDF with the title and a few lines of text."""
    from io import BytesIO

    from reportlab.lib.pagesizes import LETTER
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=LETTER)
    pdf.setTitle(title)
    width, height = LETTER
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(72, height - 90, title[:70])
    pdf.setFont("Helvetica", 11)
    y = height - 130
    for line in lines or ["Math Learning Network classroom resource."]:
        pdf.drawString(72, y, line[:95])
        y -= 18
    pdf.setFont("Helvetica-Oblique", 9)
    pdf.drawString(72, 60, "Math Learning Network · K-8 professional learning")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


class DocumentFactory(factory.django.DjangoModelFactory):
    """A Wagtail document holding a small generated PDF."""

    class Meta:
        model = get_document_model()

    title = factory.Sequence(lambda n: f"Handout {n}")
    file = factory.LazyAttribute(lambda o: ContentFile(pdf_bytes(o.title), name=f"{slugify(o.title) or 'handout'}.pdf"))

    @factory.post_generation
    def file_size(obj, create, extracted, **kwargs):
        if create and obj.file_size is None:
            obj.file_size = obj.file.size
            obj.save(update_fields=["file_size"])


class ResourcePageFactory(PageFactory):
    class Meta:
        model = ResourcePage

    title = factory.Sequence(lambda n: f"Number string {n}")
    summary = factory.LazyAttribute(lambda o: f"A classroom-ready {o.title.lower()} for tomorrow's lesson.")
    body = factory.LazyFunction(lambda: [("paragraph", "<p>Try it with a partner first, then with the class.</p>")])
    access_level = ResourceAccess.FREE

    @classmethod
    def _default_parent(cls):
        return ResourceIndexPage.objects.first() or ResourceIndexPageFactory()

    @classmethod
    def _create(cls, model_class, *args, grades=(), concepts=(), lesson_parts=(), topics=(), courses=(), **kwargs):
        page = super()._create(model_class, *args, **kwargs)
        tagged = False
        for name, values in (
            ("grades", grades),
            ("concepts", concepts),
            ("lesson_parts", lesson_parts),
            ("topics", topics),
            ("courses", courses),
        ):
            if values:
                getattr(page, name).set(values)
                tagged = True
        if tagged:
            page.save()
        return page


class ResourceFileFactory(factory.django.DjangoModelFactory):
    """A file on a resource; saving the page afterwards refreshes Wagtail's reference index."""

    class Meta:
        model = ResourceFile

    page = factory.SubFactory(ResourcePageFactory)
    document = factory.SubFactory(DocumentFactory)
    label = ""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        item = super()._create(model_class, *args, **kwargs)
        item.page.save()
        return item


class RelatedResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedResource

    page = factory.SubFactory(ResourcePageFactory)
    resource = factory.SubFactory(ResourcePageFactory)


class DownloadLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DownloadLog

    user = factory.SubFactory("members.factories.UserFactory")
    document = factory.SubFactory(DocumentFactory)
    resource = None


class SavedResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SavedResource

    user = factory.SubFactory("members.factories.UserFactory")
    resource = factory.SubFactory(ResourcePageFactory)


class SearchTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SearchTerm

    query = "fraction games"
    results_count = 0
