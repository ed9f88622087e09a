"""Network-scale benchmark data: the demo site grown to thousands of pages and hundreds of thousands of rows.

`manage.py seed_scale` calls `seed(scale=...)`. It first runs the ordinary demo seeder (home page,
section pages, taxonomy, demo logins), then adds, at scale 1:

- 100 courses x 3 modules x 10 lessons, 5,000 resources with taxonomy and a file each, 300 workshops
  with registrations, and one plain page with no blocks (the benchmark's Wagtail floor);
- 20,000 learners (a third of them members), 200,000 lesson completions, 50,000 downloads.

Pages go into the tree in bulk: rows with treebeard paths computed here, the specific rows inserted
after the base `wagtailcore_page` rows, then the search index filled with the backend's bulk add.
`tests/home/test_seed_scale.py` checks the tree with `Page.find_problems()`. Everything is drawn from a
fixed-seed random generator, so two runs build the same data. Course structure (3 x 10) does not
shrink with the scale, so a page's query count can be compared across scales.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from wagtail.models import Page

from core.search import refresh_search_vectors
from courses.demo import callout, check, p, reflection
from courses.models import CourseIndexPage, CoursePage, Enrollment, LessonCompletion, LessonPage, ModulePage
from events.models import Attendee, EventCapacity, EventFormat, EventIndexPage, EventPage, Registration
from members.models import Membership, MembershipPlan, Role, User
from resources.demo import _collection
from resources.factories import pdf_bytes
from resources.models import DownloadLog, ResourceFile, ResourceIndexPage, ResourcePage
from taxonomy.models import Grade, GradeBand, HighLeverageConcept, LessonPart, ResourceKind, Topic

SEED = 14
EMAIL_DOMAIN = "scale.example.org"
SLUG_PREFIX = "scale-"
PLAIN_PAGE_SLUG = "bench-plain-page"
BENCH_MEMBER_EMAIL = f"bench.member@{EMAIL_DOMAIN}"
BATCH = 2000

FULL = {
    "courses": 100,
    "resources": 5000,
    "workshops": 300,
    "users": 20000,
    "completions": 200000,
    "downloads": 50000,
    "documents": 200,
}
MODULES_PER_COURSE = 3
LESSONS_PER_MODULE = 10

WORDS = [
    "fraction",
    "number",
    "line",
    "string",
    "talk",
    "array",
    "area",
    "model",
    "place",
    "value",
    "decimal",
    "ratio",
    "table",
    "equation",
    "probe",
    "game",
    "menu",
    "routine",
    "estimate",
    "compare",
    "multiply",
    "divide",
    "add",
    "subtract",
    "measure",
    "graph",
    "pattern",
    "strategy",
    "equivalent",
    "unit",
    "tens",
    "ones",
    "hundreds",
    "rational",
    "slope",
    "function",
]
NOUNS = ["Number talk", "Card game", "Menu activity", "Probe", "Work sort", "Image routine", "Exit ticket", "Lesson"]


def counts(scale: float) -> dict[str, int]:
    """How many of each thing at this scale (at least one of each, so every page exists)."""
    if scale <= 0:
        raise ValueError("The scale must be greater than 0.")
    return {name: max(1, round(n * scale)) for name, n in FULL.items()}


@dataclass
class Summary:
    courses: int = 0
    modules: int = 0
    lessons: int = 0
    resources: int = 0
    workshops: int = 0
    registrations: int = 0
    users: int = 0
    completions: int = 0
    enrollments: int = 0
    downloads: int = 0

    def lines(self) -> list[str]:
        return [f"{name}: {value:,}" for name, value in vars(self).items()]


# --- pages in bulk -------------------------------------------------------------------------
def bulk_add_children(parent: Page, pages: list[Page]) -> list[Page]:
    """Add unsaved specific pages as the last live children of `parent`, with a few INSERTs.

    Wagtail's add_child costs a dozen queries a page; this computes the materialised paths the
    way treebeard does, inserts the base rows (getting their ids back), then the specific rows.
    Revisions are not created: the pages are live as built, like a page published once.
    """
    if not pages:
        return pages
    parent.refresh_from_db()
    model = type(pages[0])
    last = parent.get_last_child()
    start = Page._str2int(last.path[-Page.steplen :]) if last else 0
    now = timezone.now()
    depth = parent.depth + 1
    for n, page in enumerate(pages, start=start + 1):
        page.path = Page._get_path(parent.path, depth, n)
        page.depth = depth
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.locale_id = parent.locale_id
        page.draft_title = page.title
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = page.first_published_at or now
        page.last_published_at = page.last_published_at or now
        page.latest_revision_created_at = None
    base_fields = [f for f in Page._meta.local_concrete_fields if not f.primary_key]
    own_fields = list(model._meta.local_concrete_fields)
    for i in range(0, len(pages), BATCH):
        chunk = pages[i : i + BATCH]
        rows = Page.objects._insert(chunk, fields=base_fields, returning_fields=[Page._meta.pk])
        for page, (pk,) in zip(chunk, rows, strict=True):
            page.pk = page.id = page.page_ptr_id = pk
            page._state.adding = False
        model.objects._insert(chunk, fields=own_fields)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(pages))
    parent.numchild += len(pages)
    return pages


def index_for_search(model, ids: list[int]) -> None:
    """Fill the search index for new pages with the backend's bulk add (what update_index does)."""
    from wagtail.search.backends import get_search_backends

    for backend in get_search_backends():
        for i in range(0, len(ids), 500):
            backend.add_bulk(model, list(model.objects.filter(pk__in=ids[i : i + 500])))
    # Rows inserted in bulk skipped the save signal that keeps the stored vector (core.search).
    refresh_search_vectors(model, ids)


def _through_rows(field, pairs):
    through = field.remote_field.through
    src = field.m2m_field_name() + "_id"
    dst = field.m2m_reverse_field_name() + "_id"
    through.objects.bulk_create([through(**{src: a, dst: b}) for a, b in pairs], batch_size=BATCH)


# --- the builders ------------------------------------------------------------------------------
def _users(rng, n: int) -> list[int]:
    from allauth.account.models import EmailAddress

    password = make_password("learn-math-2026")
    roles = [Role.CLASSROOM_TEACHER] * 6 + [Role.COACH, Role.ADMINISTRATOR, Role.OTHER]
    grades = ["K", "1", "2", "3", "4", "5", "6", "7", "8"]
    first = ["Alex", "Sam", "Jordan", "Maria", "Wei", "Amara", "Diego", "Fatima", "Noah", "Priya"]
    users = [
        User(
            email=f"learner{i:05d}@{EMAIL_DOMAIN}",
            password=password,
            first_name=rng.choice(first),
            last_name=f"Learner{i}",
            role=rng.choice(roles),
            grades_taught=rng.sample(grades, rng.randint(1, 2)),
        )
        for i in range(n - 1)
    ]
    users.append(
        User(email=BENCH_MEMBER_EMAIL, password=password, first_name="Bench", last_name="Member", grades_taught=["4"])
    )
    User.objects.bulk_create(users, batch_size=BATCH)
    users = list(User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("pk"))
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users], batch_size=BATCH
    )
    plan = MembershipPlan.objects.order_by("pk").first()
    period_end = timezone.now() + timedelta(days=200)
    members = [u for i, u in enumerate(users) if i % 3 == 0 or u.email == BENCH_MEMBER_EMAIL]
    Membership.objects.bulk_create(
        [
            Membership(
                user=u,
                plan=plan,
                status=Membership.Status.ACTIVE,
                current_period_end=period_end,
                stripe_customer_id=f"cus_scale_{u.pk}",
                stripe_subscription_id=f"sub_scale_{u.pk}",
            )
            for u in members
        ],
        batch_size=BATCH,
    )
    return [u.pk for u in users]


def _lesson_body(rng, title: str) -> list:
    words = rng.sample(WORDS, 6)
    body = p(
        f"{title}: students work on {words[0]} and {words[1]} with a partner, then share with the class.",
        f"Record each {words[2]} strategy on the board and ask the class to restate it before moving on.",
    )
    if rng.random() < 0.5:
        body += callout(f"Tomorrow, try a short {words[3]} {words[4]} as your launch.")
    if rng.random() < 0.3:
        body += check(
            f"Which routine best builds {words[5]} strategies?",
            ("A number string", True, "Right: a planned string steers toward one strategy."),
            ("A timed quiz", False, "A quiz checks recall; it does not build the strategy."),
        )
        body += reflection("What did you notice about your students' strategies?")
    return body


def _courses(rng, n: int, catalogue, taxonomy) -> tuple[list, list[list[int]]]:
    """n courses of 3 modules x 10 lessons. Returns the courses and, per course, its lesson ids in order."""
    access = ["free", "free", "members", "members", "paid"]
    courses, bands = [], []
    for i in range(n):
        level = access[i % len(access)]
        words = rng.sample(WORDS, 3)
        title = f"{words[0].title()} and {words[1]} in practice {i + 1}"
        courses.append(
            CoursePage(
                title=title,
                slug=f"{SLUG_PREFIX}course-{i:03d}",
                summary=f"A self-paced course on {words[0]}, {words[1]} and {words[2]} for K-8 teachers.",
                description=f"<p>Plan, teach and reflect on {words[0]} routines with colleagues.</p>",
                outcomes="Plan a routine\nRecord student thinking\nChoose the next step",
                access_level=level,
                price_cents=4900 if level == "paid" else 0,
                pd_hours=3,
                estimated_hours=Decimal("2.5"),
            )
        )
        bands.append(rng.sample(["k-2", "3-5", "6-8"], rng.randint(1, 2)))
    bulk_add_children(catalogue, courses)
    field = CoursePage._meta.get_field
    GradeBand.objects.for_codes(["k-2", "3-5", "6-8"])
    _through_rows(
        field("grade_bands"), [(c.pk, code) for c, codes in zip(courses, bands, strict=True) for code in codes]
    )
    _through_rows(field("topics"), [(c.pk, rng.choice(taxonomy["topics"])) for c in courses])
    _through_rows(field("concepts"), [(c.pk, rng.choice(taxonomy["concepts"])) for c in courses])
    modules_by_course = []
    for course in courses:
        modules = [
            ModulePage(
                title=f"Module {m}: {rng.choice(WORDS)} routines",
                slug=f"module-{m}",
                summary="What this part of the course covers.",
            )
            for m in range(1, MODULES_PER_COURSE + 1)
        ]
        bulk_add_children(course, modules)
        modules_by_course.append(modules)
    lessons_by_course = []
    all_lessons = []
    for modules in modules_by_course:
        ids = []
        for module in modules:
            lessons = []
            for n_lesson in range(1, LESSONS_PER_MODULE + 1):
                title = f"{rng.choice(NOUNS)}: {rng.choice(WORDS)} {rng.choice(WORDS)}"
                lessons.append(
                    LessonPage(
                        title=title,
                        slug=f"lesson-{n_lesson}",
                        summary=f"Why {rng.choice(WORDS)} matters in the lesson.",
                        estimated_minutes=rng.choice([8, 10, 12, 15]),
                        body=_lesson_body(rng, title),
                    )
                )
            bulk_add_children(module, lessons)
            ids += [lesson.pk for lesson in lessons]
            all_lessons += lessons
        lessons_by_course.append(ids)
    index_for_search(CoursePage, [c.pk for c in courses])
    index_for_search(ModulePage, [m.pk for ms in modules_by_course for m in ms])
    index_for_search(LessonPage, [lesson.pk for lesson in all_lessons])
    return courses, lessons_by_course


def _documents(n: int) -> list[int]:
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    Document = get_document_model()
    collection = _collection()
    ids = []
    for i in range(n):
        content = pdf_bytes(f"Scale handout {i}")
        document = Document(
            title=f"Scale handout {i}", collection=collection, file=ContentFile(content, name=f"scale-handout-{i}.pdf")
        )
        document.file_size = len(content)
        document.save()
        ids.append(document.pk)
    return ids


def _resources(rng, n: int, library, taxonomy, course_ids: list[int], document_ids: list[int]) -> list[int]:
    levels = ["free"] * 5 + ["members"] * 3 + ["course"]
    now = timezone.now()
    pages = []
    for i in range(n):
        words = rng.sample(WORDS, 4)
        noun = rng.choice(NOUNS)
        title = f"{noun}: {words[0]} {words[1]} {i + 1}"
        pages.append(
            ResourcePage(
                title=title,
                slug=f"{SLUG_PREFIX}resource-{i:05d}",
                summary=f"A classroom-ready {noun.lower()} on {words[0]} and {words[2]} for tomorrow's lesson.",
                body=[
                    (
                        "paragraph",
                        f"<p>Use this {noun.lower()} to practise {words[0]} {words[1]} with {words[3]}. "
                        f"Try it with a partner first, then with the whole class.</p>",
                    )
                ],
                access_level=levels[i % len(levels)],
                kind_id=rng.choice(taxonomy["kinds"]),
                first_published_at=now - timedelta(hours=i),
            )
        )
    bulk_add_children(library, pages)
    ids = [p.pk for p in pages]
    field = ResourcePage._meta.get_field
    _through_rows(field("grades"), [(pk, g) for pk in ids for g in rng.sample(taxonomy["grades"], rng.randint(1, 3))])
    _through_rows(field("concepts"), [(pk, c) for pk in ids for c in rng.sample(taxonomy["concepts"], 1)])
    _through_rows(field("lesson_parts"), [(pk, x) for pk in ids for x in rng.sample(taxonomy["parts"], 1)])
    _through_rows(field("topics"), [(pk, t) for pk in ids for t in rng.sample(taxonomy["topics"], rng.randint(1, 2))])
    course_pairs = [(p.pk, rng.choice(course_ids)) for p in pages if p.access_level == "course"]
    _through_rows(field("courses"), course_pairs)
    ResourceFile.objects.bulk_create(
        [
            ResourceFile(page_id=pk, document_id=rng.choice(document_ids), label="Printable PDF", sort_order=0)
            for pk in ids
        ],
        batch_size=BATCH,
    )
    index_for_search(ResourcePage, ids)
    return ids


def _workshops(rng, n: int, calendar, user_ids: list[int]) -> tuple[int, int]:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    pages = []
    for i in range(n):
        words = rng.sample(WORDS, 2)
        start = now + timedelta(days=(i * 730) // max(n, 1) - 365, hours=rng.randint(0, 8))
        virtual = i % 3 == 0
        pages.append(
            EventPage(
                title=f"{words[0].title()} {words[1]} workshop {i + 1}",
                slug=f"{SLUG_PREFIX}workshop-{i:03d}",
                summary=f"A hands-on session on {words[0]} and {words[1]} for grade 3-5 teachers.",
                body=[("paragraph", f"<p>Bring a lesson plan; we will adapt it for {words[0]} together.</p>")],
                start=start,
                end=start + timedelta(hours=3),
                timezone="America/New_York",
                format=EventFormat.VIRTUAL if virtual else EventFormat.IN_PERSON,
                venue_name="" if virtual else "District office",
                address="" if virtual else "100 Main Street",
                virtual_link="https://meet.example.org/workshop" if virtual else "",
                capacity=rng.choice([20, 30, 40]),
                price=Decimal(rng.choice([0, 0, 49, 99])),
                pd_hours=Decimal(3),
                facilitators="Maya Chen",
            )
        )
    bulk_add_children(calendar, pages)
    GradeBand.objects.for_codes(["3-5"])
    _through_rows(EventPage._meta.get_field("grade_bands"), [(page.pk, "3-5") for page in pages])
    emails = dict(User.objects.filter(pk__in=user_ids).values_list("pk", "email"))
    registrations, counters, attendee_specs = [], [], []
    for page in pages:
        taken = min(rng.randint(0, page.capacity), len(user_ids))
        counters.append(
            EventCapacity(
                event_id=page.pk,
                capacity=page.capacity,
                seats_taken=taken,
                announced_start=page.start,
                announced_end=page.end,
            )
        )
        for user_id in rng.sample(user_ids, min(taken, len(user_ids))):
            registrations.append(
                Registration(
                    event_id=page.pk,
                    purchaser_id=user_id,
                    status=Registration.Status.CONFIRMED,
                    seats=1,
                    payment_method=Registration.PaymentMethod.FREE
                    if not page.price
                    else Registration.PaymentMethod.CARD,
                    seat_price=page.price,
                    confirmed_at=now,
                )
            )
            attendee_specs.append(user_id)
    EventCapacity.objects.bulk_create(counters, batch_size=BATCH)
    Registration.objects.bulk_create(registrations, batch_size=BATCH)
    Attendee.objects.bulk_create(
        [
            Attendee(registration=r, name=f"Learner {uid}", email=emails[uid], user_id=uid)
            for r, uid in zip(registrations, attendee_specs, strict=True)
        ],
        batch_size=BATCH,
    )
    index_for_search(EventPage, [p.pk for p in pages])
    return len(pages), len(registrations)


def _learning(rng, target: int, user_ids: list[int], courses, lessons_by_course) -> tuple[int, int]:
    """Enrollments with completed lesson prefixes until `target` completions exist."""
    now = timezone.now()
    enrollments, completions = [], []
    made = 0
    order = list(user_ids)
    rng.shuffle(order)
    # The bench member's My learning shows three courses, each half done.
    bench_id = user_ids[-1]
    order.remove(bench_id)
    order.insert(0, bench_id)
    for user_id in order:
        if made >= target:
            break
        wanted = 3 if user_id == bench_id else rng.randint(1, 3)
        for c in rng.sample(range(len(courses)), min(wanted, len(courses))):
            lessons = lessons_by_course[c]
            done = len(lessons) // 2 if user_id == bench_id else rng.randint(1, len(lessons))
            done = min(done, target - made)
            if done <= 0:
                break
            enrolled_at = now - timedelta(days=rng.randint(20, 400))
            finished = enrolled_at + timedelta(days=done) if done == len(lessons) else None
            enrollments.append(
                Enrollment(
                    user_id=user_id,
                    course_id=courses[c].pk,
                    source="membership" if courses[c].access_level == "members" else "free",
                    enrolled_at=enrolled_at,
                    last_lesson_id=lessons[done - 1],
                    last_activity_at=enrolled_at + timedelta(days=done),
                    completed_at=finished,
                )
            )
            completions += [
                LessonCompletion(
                    user_id=user_id,
                    lesson_id=lesson_id,
                    course_id=courses[c].pk,
                    completed_at=enrolled_at + timedelta(days=k),
                )
                for k, lesson_id in enumerate(lessons[:done])
            ]
            made += done
        if len(completions) >= 20000:
            LessonCompletion.objects.bulk_create(completions, batch_size=BATCH)
            completions = []
    LessonCompletion.objects.bulk_create(completions, batch_size=BATCH)
    Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)
    return len(enrollments), made


def _downloads(rng, n: int, user_ids: list[int], resource_ids: list[int]) -> int:
    doc_of = dict(ResourceFile.objects.filter(page_id__in=resource_ids).values_list("page_id", "document_id"))
    rows = []
    for _ in range(n):
        resource_id = rng.choice(resource_ids)
        rows.append(DownloadLog(user_id=rng.choice(user_ids), document_id=doc_of[resource_id], resource_id=resource_id))
    DownloadLog.objects.bulk_create(rows, batch_size=BATCH)
    return n


def _plain_page(home) -> None:
    """A page with no blocks under the home page: the benchmark's Wagtail floor."""
    from .models import StandardPage

    if not StandardPage.objects.filter(slug=PLAIN_PAGE_SLUG).exists():
        page = StandardPage(title="A plain page", slug=PLAIN_PAGE_SLUG, show_in_menus=False)
        home.add_child(instance=page)
        page.save_revision().publish()


def _taxonomy() -> dict[str, list[int]]:
    return {
        "grades": list(Grade.objects.values_list("pk", flat=True)),
        "concepts": list(HighLeverageConcept.objects.values_list("pk", flat=True)),
        "parts": list(LessonPart.objects.values_list("pk", flat=True)),
        "kinds": list(ResourceKind.objects.values_list("pk", flat=True)),
        "topics": list(Topic.objects.values_list("pk", flat=True)),
    }


def is_seeded() -> bool:
    return User.objects.filter(email=BENCH_MEMBER_EMAIL).exists()


def reset(*, stdout) -> None:
    """Remove everything seed() added (the demo content stays)."""
    from wagtail.documents import get_document_model

    page_ids = list(
        Page.objects.filter(Q(slug__startswith=SLUG_PREFIX, depth=4) | Q(slug=PLAIN_PAGE_SLUG)).values_list(
            "pk", flat=True
        )
    )
    Registration.objects.filter(purchaser__email__endswith=f"@{EMAIL_DOMAIN}").delete()
    Registration.objects.filter(event__in=page_ids).delete()
    User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
    # treebeard's queryset delete removes the descendants too and fixes the parents' child counts.
    Page.objects.filter(pk__in=page_ids).delete()
    get_document_model().objects.filter(title__startswith="Scale handout").delete()
    stdout.write("Removed the scale data")


def seed(*, scale: float = 1.0, stdout, log=None) -> Summary:
    """Build the scale data (the demo content must exist). Not idempotent: callers check is_seeded()."""
    from .models import HomePage

    log = log or (lambda message: stdout.write(message))
    n = counts(scale)
    rng = random.Random(SEED)
    summary = Summary()
    home = HomePage.objects.get()
    taxonomy = _taxonomy()

    user_ids = _users(rng, n["users"])
    summary.users = len(user_ids)
    log(f"  {summary.users:,} users")
    courses, lessons_by_course = _courses(rng, n["courses"], CourseIndexPage.objects.get(), taxonomy)
    summary.courses = len(courses)
    summary.modules = len(courses) * MODULES_PER_COURSE
    summary.lessons = sum(len(ids) for ids in lessons_by_course)
    log(f"  {summary.courses} courses, {summary.lessons:,} lessons")
    document_ids = _documents(n["documents"])
    resource_ids = _resources(
        rng, n["resources"], ResourceIndexPage.objects.get(), taxonomy, [c.pk for c in courses], document_ids
    )
    summary.resources = len(resource_ids)
    log(f"  {summary.resources:,} resources")
    summary.workshops, summary.registrations = _workshops(rng, n["workshops"], EventIndexPage.objects.get(), user_ids)
    log(f"  {summary.workshops} workshops, {summary.registrations:,} registrations")
    summary.enrollments, summary.completions = _learning(rng, n["completions"], user_ids, courses, lessons_by_course)
    log(f"  {summary.enrollments:,} enrollments, {summary.completions:,} lesson completions")
    summary.downloads = _downloads(rng, n["downloads"], user_ids, resource_ids)
    log(f"  {summary.downloads:,} downloads")
    _plain_page(home)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return summary
