"""One factory per taxonomy model; django_get_or_create keeps codes and slugs unique across tests."""

import factory

from .models import Grade, GradeBandCode, HighLeverageConcept, LessonPart, ResourceKind, Topic


class GradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grade
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: str(n % 9) if n % 9 else "K")
    name = factory.LazyAttribute(lambda o: "Kindergarten" if o.code == "K" else f"Grade {o.code}")
    band = factory.LazyAttribute(
        lambda o: (
            GradeBandCode.K2
            if o.code in ("K", "1", "2")
            else GradeBandCode.G35
            if o.code in ("3", "4", "5")
            else GradeBandCode.G68
        )
    )
    sort_order = factory.LazyAttribute(lambda o: 0 if o.code == "K" else int(o.code))


class HighLeverageConceptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HighLeverageConcept

    grade = factory.SubFactory(GradeFactory, code="1")
    title = factory.Sequence(lambda n: f"Concept {n}")
    summary = "Students show they understand this before the year ends."


class LessonPartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LessonPart
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Part {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class ResourceKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceKind
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kind {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
