"""Demo taxonomy (used by every app) and the resource library: 34 resources with small PDFs."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Grade, GradeBand, HighLeverageConcept, LessonPart, ResourceKind, Topic

GRADES = [("K", "Kindergarten")] + [(str(n), f"Grade {n}") for n in range(1, 9)]

# Grade code -> High Leverage Concepts (title, summary), in our own words.
HLCS = {
    "K": [
        (
            "Count and compare to 20",
            "Count objects to 20 with one-to-one correspondence and tell which group has more.",
        ),
        ("Compose and decompose numbers to 10", "See 7 as 5 and 2 or 4 and 3; find the partner that makes 10."),
    ],
    "1": [
        (
            "Add and subtract within 120",
            "Use place value and properties to add and subtract within 120, explaining the strategy.",
        ),
        ("Tens and ones", "Understand two-digit numbers as groups of ten and some ones."),
    ],
    "2": [
        (
            "Add and subtract within 1,000",
            "Use place value strategies and models to add and subtract three-digit numbers.",
        ),
        ("Measure and estimate lengths", "Choose units, measure and compare lengths."),
    ],
    "3": [
        (
            "Multiply and divide within 100",
            "Understand multiplication as equal groups and arrays, and division as the unknown factor.",
        ),
        ("Fractions as numbers", "Place unit fractions and fractions on the number line."),
    ],
    "4": [
        (
            "Multi-digit multiplication",
            "Multiply up to four digits by one digit and two digits by two digits using area models.",
        ),
        ("Equivalent fractions", "Generate and compare equivalent fractions with visual models."),
    ],
    "5": [
        (
            "Add and subtract fractions",
            "Add and subtract fractions with unlike denominators using equivalent fractions.",
        ),
        ("Decimal place value", "Read, write, compare and round decimals to thousandths."),
    ],
    "6": [
        ("Ratios and rates", "Reason with ratio tables, tape diagrams and double number lines."),
        ("Divide fractions", "Interpret and compute quotients of fractions."),
    ],
    "7": [
        (
            "Proportional relationships",
            "Recognise and represent proportional relationships in tables, graphs and equations.",
        ),
        ("Operations with rational numbers", "Add, subtract, multiply and divide positive and negative numbers."),
    ],
    "8": [
        ("Linear functions", "Interpret slope and intercept and compare functions in different forms."),
        ("Solve linear equations", "Solve equations with variables on both sides and explain each step."),
    ],
}

LESSON_PARTS = [
    ("Launch", "launch", "A 5-10 minute opener: number talk, number string or image routine."),
    ("Main Lesson", "main-lesson", "Problem solving in mixed groups with rich student discourse."),
    ("Math Menu", "math-menu", "Differentiated practice and small-group intervention."),
    ("Closure", "closure", "Sharing, reflection and formative assessment."),
]
KINDS = [
    "Launch routine",
    "Math game",
    "Menu activity",
    "Formative probe",
    "High Leverage Assessment",
    "Protocol",
    "Video",
    "Article",
    "Printable article",
    "Workshop recording",
]
TOPICS = [
    "Place value",
    "Fractions",
    "Addition and subtraction",
    "Multiplication and division",
    "Ratios",
    "Number sense",
    "Launch routines",
    "High Leverage Concepts",
    "MTSS",
    "Leadership",
    "Professional community",
    "Formative assessment",
]


def _slug(text: str) -> str:
    return text.lower().replace(" and ", "-").replace(" ", "-")


def seed_taxonomy() -> None:
    grades = {}
    for order, (code, name) in enumerate(GRADES):
        band = GradeBand.K2 if order <= 2 else GradeBand.G35 if order <= 5 else GradeBand.G68
        grades[code], _ = Grade.objects.get_or_create(
            code=code, defaults={"name": name, "band": band, "sort_order": order}
        )
    previous = {}
    for code, concepts in HLCS.items():
        for order, (title, summary) in enumerate(concepts):
            hlc, _ = HighLeverageConcept.objects.get_or_create(
                grade=grades[code], title=title, defaults={"summary": summary, "sort_order": order}
            )
            previous.setdefault(code, []).append(hlc)
    # The grade 1 concept leads into grade 2's, as the network's own example describes.
    first, second = previous["1"][0], previous["2"][0]
    if first.leads_to_id != second.pk:
        first.leads_to = second
        first.save(update_fields=["leads_to"])
    for order, (name, slug, description) in enumerate(LESSON_PARTS):
        LessonPart.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "sort_order": order}
        )
    for order, name in enumerate(KINDS):
        ResourceKind.objects.get_or_create(slug=_slug(name), defaults={"name": name, "sort_order": order})
    for order, name in enumerate(TOPICS):
        Topic.objects.get_or_create(slug=_slug(name), defaults={"name": name, "sort_order": order})


COLLECTION_NAME = "Resource library"

# (title, kind, grades, (hlc grade, hlc index) or None, lesson parts, topics, access, summary, how to use)
RESOURCES = [
    (
        "Number string: doubles and near doubles",
        "Launch routine",
        ["1", "2"],
        ("1", 0),
        ["launch"],
        ["addition-subtraction", "launch-routines"],
        "free",
        "A sequence of related sums that nudges students from known doubles to near doubles like 7 + 8.",
        "Write one problem at a time. Record each student's strategy on an open number line before revealing the next.",
    ),
    (
        "Number string: making tens",
        "Launch routine",
        ["1"],
        ("1", 0),
        ["launch"],
        ["addition-subtraction", "launch-routines"],
        "free",
        "Problems such as 9 + 6 and 19 + 6 that reward breaking a number apart to reach the next ten.",
        "Ask who moved part of one number to the other. Name the strategy together once several students use it.",
    ),
    (
        "Image routine: quick dot images",
        "Launch routine",
        ["K", "1"],
        ("K", 1),
        ["launch"],
        ["number-sense", "launch-routines"],
        "free",
        "Flash a dot arrangement for three seconds and ask how many and how students saw them.",
        "Show the card briefly so students subitize rather than count by ones. Invite two different ways of seeing.",
    ),
    (
        "Number talk: multiplying by 9 and 11",
        "Launch routine",
        ["4"],
        ("4", 0),
        ["launch"],
        ["multiplication-division", "launch-routines"],
        "members",
        "Mental multiplication problems that surface compensation and the distributive property.",
        "Collect answers first, then strategies. Connect 9 x 24 to 10 x 24 minus 24 with an area sketch.",
    ),
    (
        "Choral counting by fractions",
        "Launch routine",
        ["3", "4"],
        ("3", 1),
        ["launch"],
        ["fractions", "launch-routines"],
        "members",
        "The class counts by one-fourth while the teacher records in rows, then looks for patterns.",
        "Stop the count at a row break and ask what students notice about the wholes in the last column.",
    ),
    (
        "Fraction Pairs game",
        "Math game",
        ["3", "4"],
        ("3", 1),
        ["math-menu"],
        ["fractions"],
        "members",
        "Partners turn over cards and keep pairs of fractions that name the same amount.",
        "Model one round with a student. Ask pairs to prove each match with a drawing before they keep it.",
    ),
    (
        "Race to 100",
        "Math game",
        ["1", "2"],
        ("1", 1),
        ["math-menu"],
        ["place-value"],
        "free",
        "Roll, collect tens and ones, and trade ten ones for a ten on the way to one hundred.",
        "Keep base-ten blocks within reach. The recording sheet makes each trade visible.",
    ),
    (
        "Close to 1,000",
        "Math game",
        ["2", "3"],
        ("2", 0),
        ["math-menu"],
        ["place-value", "addition-subtraction"],
        "free",
        "Arrange digit cards into two three-digit numbers whose sum lands as close to 1,000 as possible.",
        "Play a demonstration game against the class. Score is the distance from 1,000, so low scores win.",
    ),
    (
        "Product Bingo",
        "Math game",
        ["3"],
        ("3", 0),
        ["math-menu"],
        ["multiplication-division"],
        "members",
        "Students place products on a board and cover them as factor pairs are called.",
        "Let students choose their board numbers; discuss afterwards which products were easiest to cover.",
    ),
    (
        "Ratio War",
        "Math game",
        ["6"],
        ("6", 0),
        ["math-menu"],
        ["ratios"],
        "members",
        "A card game in which the greater ratio wins, justified with a table or a double number line.",
        "Require a written justification for close calls. Collect the sheets as a quick check.",
    ),
    (
        "Integer Tug of War",
        "Math game",
        ["7"],
        ("7", 1),
        ["math-menu"],
        ["number-sense"],
        "free",
        "Players move a marker along a number line with positive and negative cards.",
        "Start with a short talk about what moving left and right means before the first round.",
    ),
    (
        "Math menu: place value stations",
        "Menu activity",
        ["1", "2"],
        ("1", 1),
        ["math-menu"],
        ["place-value", "mtss"],
        "members",
        "Four stations that practise tens and ones at different levels, with a teacher table for small groups.",
        "Assign the teacher table from the latest probe. Rotate twice per menu block and keep one must-do.",
    ),
    (
        "Math menu: multiplication fluency choices",
        "Menu activity",
        ["3", "4"],
        ("3", 0),
        ["math-menu"],
        ["multiplication-division", "mtss"],
        "members",
        "A menu of arrays, skip counting and strategy games so each student practises at the right level.",
        "Students choose two activities and record them. Pull small groups based on the fluency probe.",
    ),
    (
        "Equivalent fractions sorting cards",
        "Menu activity",
        ["4"],
        ("4", 1),
        ["math-menu"],
        ["fractions"],
        "free",
        "Cards with area models, number lines and symbols to sort into equivalent groups.",
        "Use as a menu choice or a small-group task; the blank cards let students create their own matches.",
    ),
    (
        "Decimal place value menu",
        "Menu activity",
        ["5"],
        ("5", 1),
        ["math-menu"],
        ["place-value"],
        "members",
        "Activities that compare, round and compose decimals to thousandths.",
        "Begin with the hundredths grid task for students still building the idea of tenths.",
    ),
    (
        "Grade 3 multiplication formative probe",
        "Formative probe",
        ["3"],
        ("3", 0),
        ["closure"],
        ["multiplication-division", "formative-assessment"],
        "members",
        "Five short items that show whether students see multiplication as equal groups and arrays.",
        "Give it after the first week of the unit. Sort responses by strategy, not by score.",
    ),
    (
        "Grade 1 place value probe",
        "Formative probe",
        ["1"],
        ("1", 1),
        ["closure"],
        ["place-value", "formative-assessment"],
        "free",
        "Quick tasks that check whether a student sees 34 as three tens and four ones.",
        "Read the items aloud. Note who counts by ones and who uses groups of ten.",
    ),
    (
        "Grade 5 fraction addition probe",
        "Formative probe",
        ["5"],
        ("5", 0),
        ["closure"],
        ["fractions", "formative-assessment"],
        "members",
        "Items on unlike denominators that reveal common misconceptions such as adding the denominators.",
        "Use the answer key's misconception notes to plan the next menu groups.",
    ),
    (
        "Grade 7 proportional reasoning probe",
        "Formative probe",
        ["7"],
        ("7", 0),
        ["closure"],
        ["ratios", "formative-assessment"],
        "course",
        "Tasks that separate additive from multiplicative thinking about ratios.",
        "Give before the unit begins; repeat the parallel form at the end to show growth.",
    ),
    (
        "High Leverage Assessment: grade 1 add and subtract within 120",
        "High Leverage Assessment",
        ["1"],
        ("1", 0),
        ["closure"],
        ["addition-subtraction", "high-leverage-concepts", "formative-assessment"],
        "members",
        "A one-on-one assessment of the grade 1 concept that most predicts success in grade 2.",
        "Give it three times a year. The scoring guide lists the next instructional step for each level.",
    ),
    (
        "High Leverage Assessment: grade 3 multiply and divide within 100",
        "High Leverage Assessment",
        ["3"],
        ("3", 0),
        ["closure"],
        ["multiplication-division", "high-leverage-concepts", "formative-assessment"],
        "members",
        "Tasks on equal groups, arrays and the unknown factor, with a scoring guide.",
        "Score with a colleague the first time so you agree on what counts as a strategy.",
    ),
    (
        "High Leverage Assessment: grade 6 ratios and rates",
        "High Leverage Assessment",
        ["6"],
        ("6", 0),
        ["closure"],
        ["ratios", "high-leverage-concepts"],
        "course",
        "An assessment of ratio reasoning with tables, tape diagrams and double number lines.",
        "Use the results to group students for the ratio menu activities.",
    ),
    (
        "Clinical interview guide",
        "Protocol",
        ["K", "1", "2", "3", "4", "5"],
        None,
        ["math-menu", "closure"],
        ["formative-assessment", "mtss"],
        "free",
        "Questions and follow-ups for a short one-on-one conversation about how a student solves a problem.",
        "Stay neutral: ask how, not whether. Write down exactly what the student says and does.",
    ),
    (
        "Work Sort protocol",
        "Protocol",
        ["K", "1", "2", "3", "4", "5", "6", "7", "8"],
        None,
        ["closure"],
        ["formative-assessment", "professional-community"],
        "free",
        "A team protocol for sorting student work by strategy and deciding on next steps.",
        "Bring one class set of work. Sort into piles by strategy, name each pile, then plan one move per pile.",
    ),
    (
        "Problem Introduction protocol",
        "Protocol",
        ["3", "4", "5"],
        None,
        ["main-lesson"],
        ["professional-community"],
        "members",
        "Steps for introducing a rich problem so every student understands the context before solving.",
        "Read the problem twice without numbers, then ask what the question might be.",
    ),
    (
        "Collaborative study planning guide",
        "Protocol",
        ["K", "1", "2", "3", "4", "5", "6", "7", "8"],
        None,
        ["main-lesson"],
        ["professional-community", "leadership"],
        "members",
        "A guide for teams planning, teaching and debriefing a lesson together in a rapid cycle of inquiry.",
        "Choose one High Leverage Concept, agree on the evidence to collect and schedule the debrief.",
    ),
    (
        "Main lesson task: how many legs?",
        "Menu activity",
        ["2", "3"],
        ("3", 0),
        ["main-lesson"],
        ["multiplication-division"],
        "free",
        "An open problem about animals and legs with several entry points and many solution paths.",
        "Let students choose tools. During the share, sequence strategies from counting to multiplying.",
    ),
    (
        "Main lesson task: sharing brownies",
        "Menu activity",
        ["4", "5"],
        ("4", 1),
        ["main-lesson"],
        ["fractions"],
        "members",
        "Groups share pans of brownies fairly and compare the fractions each person receives.",
        "Ask groups to prepare a poster that shows why two different shares are equal.",
    ),
    (
        "Launching the math block: video walkthrough",
        "Video",
        ["K", "1", "2"],
        None,
        ["launch"],
        ["launch-routines"],
        "free",
        "A teacher narrates a kindergarten launch, from the first image to the turn-and-talk.",
        "Watch with a colleague and note the questions the teacher asks after each student response.",
    ),
    (
        "Closure that surfaces thinking: video",
        "Video",
        ["3", "4", "5"],
        None,
        ["closure"],
        ["formative-assessment"],
        "members",
        "Three closure routines filmed in grade 4, with commentary on what the teacher learns from each.",
        "Pause after each routine and name the evidence of understanding you heard.",
    ),
    (
        "Tiers of support in the math block",
        "Article",
        ["K", "1", "2", "3", "4", "5", "6", "7", "8"],
        None,
        ["math-menu"],
        ["mtss"],
        "free",
        "How first instruction, menu time and specialised support fit together in one schedule.",
        "Share with your intervention team before planning the next assessment window.",
    ),
    (
        "Planning around High Leverage Concepts",
        "Printable article",
        ["K", "1", "2", "3", "4", "5"],
        None,
        ["main-lesson"],
        ["high-leverage-concepts", "leadership"],
        "members",
        "A printable guide for coaches on mapping a year of instruction onto the few concepts that matter most.",
        "Print for your next grade-level meeting and mark where each concept is taught and assessed.",
    ),
    (
        "Middle school workshop model: recording",
        "Workshop recording",
        ["6", "7", "8"],
        ("8", 0),
        ["main-lesson"],
        ["leadership"],
        "course",
        "Slides and notes from a past workshop on adapting the lesson structure for middle school.",
        "Use the discussion questions at the end with your department.",
    ),
    (
        "Linear functions card sort",
        "Menu activity",
        ["8"],
        ("8", 0),
        ["math-menu"],
        ["number-sense"],
        "free",
        "Match tables, graphs, equations and stories that describe the same linear function.",
        "Students justify each match aloud; leave one card without a match to spark argument.",
    ),
]

# Two demo searches that found nothing, so the search-terms report has something to show.
EMPTY_SEARCHES = ["tangrams", "tangrams", "tangrams", "geometry k-2", "money games", "money games"]


def _collection():
    from wagtail.models import Collection

    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=COLLECTION_NAME).first()
    return existing or root.add_child(name=COLLECTION_NAME)


def seed(*, stdout) -> None:
    """The library's resources, with one generated PDF each, and a little usage history."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.utils.text import slugify
    from wagtail.documents import get_document_model

    from .factories import ResourceFileFactory, ResourcePageFactory, pdf_bytes
    from .models import DownloadLog, ResourceIndexPage, ResourcePage, SavedResource, SearchTerm

    library = ResourceIndexPage.objects.first()
    if library is None:
        stdout.write("No resource library page; skipping resources")
        return
    seed_taxonomy()
    kinds = {k.name: k for k in ResourceKind.objects.all()}
    grades = {g.code: g for g in Grade.objects.all()}
    concepts = {}
    for hlc in HighLeverageConcept.objects.select_related("grade"):
        concepts.setdefault(hlc.grade.code, []).append(hlc)
    parts = {p.slug: p for p in LessonPart.objects.all()}
    topics = {t.slug: t for t in Topic.objects.all()}
    collection = _collection()
    Document = get_document_model()
    existing = set(ResourcePage.objects.values_list("slug", flat=True))
    created = []
    now = timezone.now()
    for n, (title, kind, grade_codes, hlc, part_slugs, topic_slugs, access, summary, how) in enumerate(RESOURCES):
        slug = slugify(title)[:80]
        if slug in existing:
            continue
        page = ResourcePageFactory(
            parent=library,
            title=title,
            slug=slug,
            summary=summary,
            body=[("paragraph", f"<p>{how}</p>")],
            kind=kinds.get(kind),
            access_level=access,
            grades=[grades[c] for c in grade_codes],
            concepts=[concepts[hlc[0]][hlc[1]]] if hlc else [],
            lesson_parts=[parts[s] for s in part_slugs],
            topics=[topics[s] for s in topic_slugs if s in topics],
            first_published_at=now - timedelta(days=3 * (len(RESOURCES) - n)),
        )
        content = pdf_bytes(title, [summary[i : i + 90] for i in range(0, len(summary), 90)] + ["", how[:90]])
        document = Document(title=title, collection=collection, file=ContentFile(content, name=f"{slug}.pdf"))
        document.file_size = len(content)
        document.save()
        ResourceFileFactory(page=page, document=document, label="Printable PDF")
        created.append(page)
    if created:
        stdout.write(f"Created {len(created)} resources")

    User = get_user_model()
    users = {u.email: u for u in User.objects.filter(email__endswith="@example.org")}
    teacher, member = users.get("teacher@example.org"), users.get("member@example.org")
    seat = users.get("seat.teacher@example.org")
    if created and teacher and member and seat:
        resources = list(ResourcePage.objects.filter(pk__in=[p.pk for p in created]).prefetch_related("files"))
        for i, page in enumerate(resources):
            doc_id = page.files.all()[0].document_id
            readers = [member, seat] if page.access_level != "free" else [teacher, member, seat]
            for reader in readers[: 1 + i % len(readers)]:
                DownloadLog.objects.create(user=reader, document_id=doc_id, resource=page)
        for page in resources[:4]:
            SavedResource.objects.get_or_create(user=member, resource=page)
        for page in [r for r in resources if r.access_level == "free"][:2]:
            SavedResource.objects.get_or_create(user=teacher, resource=page)
        for query in EMPTY_SEARCHES:
            SearchTerm.objects.create(query=query, results_count=0, role="teacher")
    # Courses are seeded after resources; link course-level resources once everything is committed.
    transaction.on_commit(_link_course_resources)


def _link_course_resources() -> None:
    from django.apps import apps

    from .models import ResourcePage

    try:
        CoursePage = apps.get_model("courses", "CoursePage")
    except LookupError:
        return
    courses = list(CoursePage.objects.live().order_by("path")[:2])
    if not courses:
        return
    for page in ResourcePage.objects.filter(access_level="course", courses__isnull=True):
        page.courses.set(courses)
        page.save()


def reset(*, stdout) -> None:
    """Remove the library's demo files and history (home's reset removes the pages)."""
    from wagtail.documents import get_document_model

    from .models import DownloadLog, ResourcePage, SavedResource, SearchTerm

    DownloadLog.objects.all().delete()
    SavedResource.objects.all().delete()
    SearchTerm.objects.all().delete()
    for page in ResourcePage.objects.all():
        page.delete()
    get_document_model().objects.filter(collection__name=COLLECTION_NAME).delete()
    stdout.write("Removed the demo resource library")
