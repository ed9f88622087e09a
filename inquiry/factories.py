"""One factory per inquiry model, for tests and the demo seeder."""

import io

import factory
from django.core.files.base import ContentFile
from PIL import Image

from members.factories import UserFactory
from taxonomy.factories import HighLeverageConceptFactory

from .models import Comment, Cycle, CycleType, Piece, Pile, Share, Sort, SuggestedPile


def work_image_bytes(*, color=(240, 240, 240), size=(120, 90), fmt="JPEG", exif=None) -> bytes:
    """A small generated image standing in for a photographed piece of student work."""
    out = io.BytesIO()
    image = Image.new("RGB", size, color)
    image.save(out, fmt, **({"exif": exif} if exif is not None else {}))
    return out.getvalue()


class SuggestedPileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuggestedPile

    concept = factory.SubFactory(HighLeverageConceptFactory)
    name = factory.Sequence(lambda n: f"Strategy {n}")


class SortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sort

    owner = factory.SubFactory(UserFactory)
    class_label = factory.Sequence(lambda n: f"Room {n}")
    concept = factory.SubFactory(HighLeverageConceptFactory)


class PileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Pile

    sort = factory.SubFactory(SortFactory)
    name = factory.Sequence(lambda n: f"Pile {n}")


class PieceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Piece

    sort = factory.SubFactory(SortFactory)
    label = factory.Sequence(lambda n: str(n + 1))
    content_type = "image/jpeg"
    file = factory.LazyFunction(lambda: ContentFile(work_image_bytes(), name="piece.jpg"))


class CycleTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CycleType
        django_get_or_create = ("name",)

    name = "Rapid cycle of inquiry"
    pd_hours = 3


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    owner = factory.SelfAttribute("baseline.owner")
    baseline = factory.SubFactory(SortFactory)
    question = factory.Sequence(lambda n: f"Does practice {n} move more students to a stronger strategy?")


class ShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Share

    sort = factory.SubFactory(SortFactory)
    owner = factory.SelfAttribute("sort.owner")
    coach = factory.SubFactory(UserFactory)
    kind = Share.Kind.SORT


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    share = factory.SubFactory(ShareFactory)
    author = factory.SelfAttribute("share.coach")
    body = factory.Sequence(lambda n: f"Comment {n}")
