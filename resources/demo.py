"""Demo taxonomy (used by every app) and, later, the resource library."""

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


def seed(*, stdout) -> None:
    """The resource library; the resources app fills this in."""
