"""High Leverage Concept hubs: what a hub lists, its query count, the grade pages, links, search and the demo."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.test.utils import WagtailPageTestCase

from courses.factories import CoursePageFactory
from events.factories import EventPageFactory
from home.factories import ConceptIndexPageFactory, ConceptMenuActivityFactory, ConceptPageFactory, site_home
from home.models import ConceptIndexPage, ConceptPage, HomePage
from home.selectors import site_search
from resources.factories import ResourceFileFactory, ResourcePageFactory
from taxonomy.factories import GradeFactory, HighLeverageConceptFactory, LessonPartFactory, ResourceKindFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home_page):
    return ConceptIndexPageFactory(parent=home_page)


@pytest.fixture
def parts():
    return {
        slug: LessonPartFactory(name=name, slug=slug, sort_order=n)
        for n, (name, slug) in enumerate(
            [("Launch", "launch"), ("Main Lesson", "main-lesson"), ("Math Menu", "math-menu"), ("Closure", "closure")]
        )
    }


@pytest.fixture
def grade_two():
    return GradeFactory(code="2")


@pytest.fixture
def hub(index, grade_two):
    concept = HighLeverageConceptFactory(grade=grade_two, title="Add and subtract within 1,000")
    return ConceptPageFactory(parent=index, concept=concept, title=concept.title, slug="within-1000")


def _workshop(**kwargs):
    return EventPageFactory(grade_bands=kwargs.pop("grade_bands", ["k-2"]), **kwargs)


def test_hub_lists_exactly_the_resources_courses_and_upcoming_workshops_of_its_concept(client, hub, parts):
    concept = hub.concept
    other = HighLeverageConceptFactory(grade=GradeFactory(code="4"), title="Equivalent fractions")
    launch = ResourcePageFactory(title="Number string: hundreds", concepts=[concept], lesson_parts=[parts["launch"]])
    game = ResourcePageFactory(title="Close to 1,000", concepts=[concept], lesson_parts=[parts["math-menu"]])
    gated = ResourcePageFactory(
        title="Members' probe", concepts=[concept], lesson_parts=[parts["closure"]], access_level="members"
    )
    gated_file = ResourceFileFactory(page=gated)
    untagged_part = ResourcePageFactory(title="Reading on place value", concepts=[concept])
    ResourcePageFactory(title="Fraction strips", concepts=[other], lesson_parts=[parts["launch"]])
    ResourcePageFactory(title="Draft string", concepts=[concept], lesson_parts=[parts["launch"]], live=False)

    course = CoursePageFactory(title="Place value to 1,000", concepts=[concept])
    CoursePageFactory(title="Fractions course", concepts=[other])
    CoursePageFactory(title="Draft course", concepts=[concept], live=False)

    # Workshops are matched by their concept tags, never by grade band alone.
    soon = _workshop(title="K-2 number strings", concepts=[concept])
    _workshop(title="K-2 Math Menu day")  # the hub's grade band, but not tagged with its concept
    _workshop(title="Grades 3-5 strings", grade_bands=["3-5"], concepts=[other])
    past_start = timezone.now() - timedelta(days=10)
    _workshop(
        title="Last month's K-2 session", start=past_start, end=past_start + timedelta(hours=2), concepts=[concept]
    )
    _workshop(title="Draft K-2 session", live=False, concepts=[concept])

    response = client.get(hub.url)
    assert response.status_code == 200
    data = response.context["hub"]
    groups = {(g["part"].slug if g["part"] else None): [r.pk for r in g["resources"]] for g in data["resource_groups"]}
    assert groups == {
        "launch": [launch.pk],
        "math-menu": [game.pk],
        "closure": [gated.pk],
        None: [untagged_part.pk],
    }
    assert [g["part"].name for g in data["resource_groups"] if g["part"]] == ["Launch", "Math Menu", "Closure"]
    assert [c.pk for c in data["courses"]] == [course.pk]
    assert [w.pk for w in data["workshops"]] == [soon.pk]

    html = response.content.decode()
    for shown in ["Number string: hundreds", "Close to 1,000", "Members&#x27; probe", "Place value to 1,000"]:
        assert shown in html
    for hidden in [
        "Fraction strips",
        "Draft string",
        "Fractions course",
        "Draft course",
        "Grades 3-5 strings",
        "K-2 Math Menu day",
    ]:
        assert hidden not in html
    assert "Last month" not in html and "Draft K-2" not in html
    # A gated resource shows who may download it, never its files.
    assert "badge--members" in html
    assert gated_file.document.url not in html and "/documents/" not in html


def test_workshop_page_links_the_hubs_of_the_concepts_it_teaches(client, hub):
    unhubbed = HighLeverageConceptFactory(grade=hub.concept.grade, title="Measure and estimate lengths")
    workshop = _workshop(title="Adding within 1,000 with open number lines", concepts=[hub.concept, unhubbed])

    html = client.get(workshop.url).content.decode()
    assert "High Leverage Concepts" in html
    assert f'<a href="{hub.url}">Grade 2: Add and subtract within 1,000</a>' in html
    assert "Grade 2: Measure and estimate lengths" in html  # named, though it has no hub to link yet


def _document(name: str, content: bytes):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    return get_document_model().objects.create(title=name, file=ContentFile(content, name=name))


def test_hub_plays_its_explainer_with_captions_and_shows_the_transcript(client, hub):
    video = _document("explainer.mp4", b"\x00\x00\x00\x18ftypmp42")
    captions = _document("explainer.vtt", b"WEBVTT\n\n00:00.000 --> 00:04.000\nEight and two make ten.\n")
    hub.explainer = [
        (
            "video",
            {
                "title": "Making a ten",
                "file": video,
                "embed": None,
                "captions": captions,
                "transcript": "<p>The video shows 8 + 2, then 8 + 7.</p>",
            },
        )
    ]
    hub.save_revision().publish()

    html = client.get(hub.url).content.decode()
    assert "<video" in html and f'src="{video.url}"' in html
    assert f'<track kind="captions" srclang="en" label="English" src="{captions.url}" default>' in html
    assert "The video shows 8 + 2, then 8 + 7." in html
    # The hub is public, so its captions are served to a visitor as WebVTT.
    response = client.get(captions.url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/vtt")
    assert b"Eight and two make ten." in b"".join(response.streaming_content)


def test_hub_is_public_and_shows_its_probe_menu_and_progression(client, index, hub, parts):
    grade_one = GradeFactory(code="1")
    earlier = HighLeverageConceptFactory(grade=grade_one, title="Add and subtract within 120", leads_to=hub.concept)
    earlier_hub = ConceptPageFactory(parent=index, concept=earlier, title=earlier.title, slug="within-120")
    later = HighLeverageConceptFactory(grade=GradeFactory(code="3"), title="Multiply and divide within 100")
    hub.concept.leads_to = later
    hub.concept.save()
    probe = ResourcePageFactory(title="Grade 2 place value probe", access_level="members")
    hub.probe = probe
    hub.save_revision().publish()
    ConceptMenuActivityFactory(page=hub, resource=ResourcePageFactory(title="Race to 1,000"), note="Still counting on")

    html = client.get(hub.url).content.decode()
    assert f'href="{earlier_hub.url}"' in html  # builds on: a link to the grade 1 hub
    assert "Multiply and divide within 100" in html  # leads to: shown even before it has a hub
    assert "Grade 2 place value probe" in html and "Race to 1,000" in html and "Still counting on" in html

    earlier_html = client.get(earlier_hub.url).content.decode()
    assert f'href="{hub.url}"' in earlier_html  # "within 120" leads to "within 1,000"


def test_hub_query_count_does_not_grow_with_its_content(client, django_assert_max_num_queries, hub, parts):
    kind = ResourceKindFactory(name="Math game", slug="math-game")

    def add(n):
        for i in range(n):
            ResourcePageFactory(
                concepts=[hub.concept], kind=kind, lesson_parts=[list(parts.values())[i % 4]], access_level="members"
            )
            CoursePageFactory(concepts=[hub.concept])
            _workshop(concepts=[hub.concept])

    def count():
        client.get(hub.url)  # warm Wagtail's site and content-type caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(hub.url)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode().count("hub-resources__item")

    add(3)
    few, shown_few = count()
    add(27)
    many, shown_many = count()
    assert (shown_few, shown_many) == (3, 30)
    assert many == few, f"{few} queries with 3 of each, {many} with 30"


def test_index_groups_concepts_by_grade_and_grade_page_lists_one_grade(client, index, hub):
    grade_one = GradeFactory(code="1")
    first = HighLeverageConceptFactory(grade=grade_one, title="Tens and ones")
    ConceptPageFactory(parent=index, concept=first, title=first.title, slug="tens-and-ones")
    second_grade_two = HighLeverageConceptFactory(grade=hub.concept.grade, title="Measure and estimate lengths")

    assert f'href="{index.url}"' in client.get("/").content.decode()  # "Concepts" in the main navigation
    html = client.get(index.url).content.decode()
    assert html.index("Grade 1") < html.index("Tens and ones") < html.index("Grade 2") < html.index(hub.title)
    assert f"{index.url}grade-2/" in html

    response = client.get(f"{index.url}grade-2/")
    assert response.status_code == 200
    page_html = response.content.decode()
    assert hub.title in page_html and f'href="{hub.url}"' in page_html
    assert second_grade_two.title in page_html  # listed, though its hub is not written yet
    assert "Tens and ones" not in page_html
    assert [c["concept"].pk for g in response.context["grades"] for c in g["concepts"]] == [
        hub.concept.pk,
        second_grade_two.pk,
    ]
    assert client.get(f"{index.url}grade-k/").status_code == 404  # no such grade seeded
    assert client.get(f"{index.url}grade-1/").status_code == 200


def test_library_resource_and_course_pages_link_to_the_hub(client, hub):
    resource = ResourcePageFactory(title="Close to 1,000", concepts=[hub.concept])
    course = CoursePageFactory(title="Place value to 1,000", concepts=[hub.concept])
    link = f'href="{hub.url}"'
    assert link in client.get(resource.url).content.decode()
    assert link in client.get(course.url).content.decode()
    library = resource.get_parent()
    assert link in client.get(f"{library.url}?hlc={hub.concept.pk}").content.decode()
    assert link not in client.get(library.url).content.decode()


def test_one_hub_per_concept(hub, index):
    with pytest.raises(ValidationError):  # what an editor is told
        ConceptPageFactory(parent=index, concept=hub.concept, slug="again")
    second = ConceptPageFactory(parent=index)
    with pytest.raises(IntegrityError), transaction.atomic():  # and what the database refuses
        ConceptPage.objects.filter(pk=second.pk).update(concept=hub.concept)


def test_search_lists_the_hub_first(hub, user):
    # Resources and an article that use the same words, some more often than the hub does.
    ResourcePageFactory(
        title="Add and subtract within 1,000: a game",
        summary="High Leverage Concepts grade 2 practice: add and subtract within 1,000, grade 2.",
    )
    ResourcePageFactory(title="Grade 2 High Leverage Concepts overview", summary="Grade 2 High Leverage Concepts.")
    other = HighLeverageConceptFactory(grade=GradeFactory(code="5"), title="Decimal place value")
    ConceptPageFactory(parent=hub.get_parent(), concept=other, title=other.title, slug="decimals")
    # Another grade's hub whose text holds a "2": the grade in the words decides, not the digit.
    ratios = HighLeverageConceptFactory(grade=GradeFactory(code="6"), title="Ratios and rates")
    ConceptPageFactory(
        parent=hub.get_parent(),
        concept=ratios,
        title=ratios.title,
        slug="ratios",
        plain_words="<p>3 cups of flour for every 2 eggs, 2 by 2, grade by grade: high leverage concepts.</p>",
    )

    for query in ["High Leverage Concepts grade 2", "add and subtract within 1,000", "within 1,000"]:
        results = site_search(query=query, user=user)
        assert results and results[0].pk == hub.pk, (query, [r.title for r in results[:3]])
    assert site_search(query="decimal place value", user=user)[0].title == "Decimal place value"


def test_seed_demo_creates_a_hub_per_concept_idempotently():
    from django.core.management import call_command

    from home import concept_demo
    from taxonomy.models import HighLeverageConcept

    call_command("seed_demo", "--quiet-logins", stdout=open("/dev/null", "w"))
    concepts = HighLeverageConcept.objects.count()
    assert concepts == 18
    assert ConceptIndexPage.objects.count() == 1
    assert ConceptPage.objects.live().count() == concepts
    assert set(ConceptPage.objects.values_list("concept_id", flat=True)) == set(
        HighLeverageConcept.objects.values_list("pk", flat=True)
    )
    within_120 = ConceptPage.objects.get(concept__title="Add and subtract within 120")
    assert within_120.concept.leads_to.title == "Add and subtract within 1,000"
    assert within_120.plain_words and within_120.progression_note
    probe_hub = ConceptPage.objects.get(concept__title="Multiply and divide within 100")
    assert probe_hub.probe is not None and probe_hub.menu_activities.exists()
    # The seeded workshops carry concept tags: the grade 2 hub lists its two upcoming ones, not the past one.
    from home.selectors import concept_hub

    within_1000 = ConceptPage.objects.get(concept__title="Add and subtract within 1,000")
    assert [w.slug for w in concept_hub(page=within_1000)["workshops"]] == [
        "formative-probes-work-sort",
        "launching-math-menu-k-2",
    ]

    concept_demo.seed(stdout=open("/dev/null", "w"))
    assert ConceptPage.objects.count() == concepts
    assert ConceptIndexPage.objects.count() == 1


class TestConceptPageTree(WagtailPageTestCase):
    def test_tree_rules(self):
        self.assertAllowedParentPageTypes(ConceptIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(ConceptIndexPage, {ConceptPage})
        self.assertAllowedParentPageTypes(ConceptPage, {ConceptIndexPage})
        self.assertCanCreateAt(HomePage, ConceptIndexPage)
        self.assertCanCreateAt(ConceptIndexPage, ConceptPage)

    def test_pages_render(self):
        index = ConceptIndexPageFactory(parent=site_home())
        hub = ConceptPageFactory(parent=index)
        self.assertPageIsRenderable(index)
        self.assertPageIsRenderable(hub)
        from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

        # The explainer is a StreamField, whose form data the edit view's HTML does not hold (it is drawn by JS).
        post_data = nested_form_data(
            {
                "title": hub.title,
                "slug": hub.slug,
                "concept": hub.concept_id,
                "plain_words": rich_text("<p>Eight and two make ten.</p>"),
                "progression_note": hub.progression_note,
                "explainer": streamfield([]),
                "menu_activities": inline_formset([]),
            }
        )
        self.assertPageIsPreviewable(hub, post_data=post_data)
