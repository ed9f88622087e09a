"""Demo courses and learners at different stages. Safe to run again: existing courses are left alone."""

from django.utils import timezone

from .factories import CourseFacilitatorFactory, CoursePageFactory, LessonPageFactory, ModulePageFactory
from .models import CourseIndexPage, CoursePage, Enrollment, LessonPage

DEMO_SLUGS = ["launch-routines", "formative-probes", "designing-a-math-menu"]


def p(*paragraphs):
    return [("paragraph", "".join(f"<p>{text}</p>" for text in paragraphs))]


def heading(text):
    return [("heading", {"text": text, "size": "h2"})]


def callout(body, title="Try it in your classroom"):
    return [("callout", {"title": title, "body": f"<p>{body}</p>"})]


def structure(focus, launch="", main="", menu="", closure=""):
    return [("lesson_structure", {"focus": focus, "launch": launch, "main": main, "menu": menu, "closure": closure})]


def check(question, *options):
    return [
        (
            "check",
            {
                "question": question,
                "options": [{"text": t, "is_correct": ok, "feedback": fb} for t, ok, fb in options],
            },
        )
    ]


def reflection(prompt, guidance=""):
    return [("reflection", {"prompt": prompt, "guidance": guidance})]


def lesson(title, minutes, summary, body, rule="button"):
    return {"title": title, "minutes": minutes, "summary": summary, "body": body, "rule": rule}


LAUNCH = {
    "slug": "launch-routines",
    "title": "Launch routines that open every lesson",
    "summary": "Number talks, number strings and image routines: five to ten minutes that get every student "
    "thinking and talking before the main lesson.",
    "description": "<p>A good launch is short, open to every student and tells you which strategies are already "
    "in the room. This course walks through three routines, how to plan them and how to run them so that students "
    "do the talking.</p>",
    "outcomes": "Choose a launch routine that fits the day's main lesson\nPlan a number string that nudges "
    "students toward one strategy\nRecord student thinking so the whole class can follow it",
    "access_level": "free",
    "price_cents": 0,
    "pd_hours": 3,
    "estimated_hours": 2.5,
    "grade_bands": ["k-2", "3-5", "6-8"],
    "concepts": [("1", "Add and subtract within 120"), ("3", "Multiply and divide within 100")],
    "topics": ["launch-routines", "number-sense"],
    "facilitators": [
        ("Maya Chen", "Elementary math coach", "Maya has led number talks in K-5 classrooms for ten years.")
    ],
    "modules": [
        (
            "Why launch routines matter",
            "What five minutes at the start of the math block can do.",
            None,
            [
                lesson(
                    "What a launch is for",
                    10,
                    "The launch warms up the strategies the main lesson needs.",
                    p(
                        "The first minutes of a math block set the tone. A launch routine invites every student "
                        "into the same problem, with no worksheet and no wrong entry point.",
                        "Because students share their strategies aloud, you learn in five minutes what a quiz "
                        "would tell you tomorrow.",
                    )
                    + structure(
                        "launch",
                        launch="A number talk, a number string or an image routine.",
                        main="The day's problem, which builds on the strategy the launch warmed up.",
                        menu="Practice and small-group work chosen from what you heard.",
                        closure="Students name a strategy they tried today.",
                    ),
                ),
                lesson(
                    "Three routines at a glance",
                    12,
                    "Number talks, number strings and image routines compared.",
                    p(
                        "<strong>Number talks</strong> pose one mental computation and collect many strategies. "
                        "<strong>Number strings</strong> pose a planned sequence of related problems that nudges "
                        "students toward one strategy. <strong>Image routines</strong> show a picture of a "
                        "quantity and ask how many and how you saw it."
                    )
                    + callout("Tomorrow, open with 18 + 7 and ask for two different ways before anyone answers.")
                    + check(
                        "You want students to start using doubles to multiply. Which routine fits best?",
                        ("A number string", True, "Right: a planned string can move from 4 × 6 to 8 × 6 on purpose."),
                        (
                            "An image routine",
                            False,
                            "Images are good for subitizing and structure, less for steering "
                            "toward one multiplication strategy.",
                        ),
                        ("A timed facts quiz", False, "A quiz checks recall; it does not build the strategy."),
                    )
                    + reflection("Which routine do you already use, and what do students do during it?"),
                    rule="activities",
                ),
            ],
        ),
        (
            "Running a number talk",
            "From the first problem to recording student thinking.",
            None,
            [
                lesson(
                    "Choosing the problem",
                    10,
                    "A good problem has more than one sensible path.",
                    p(
                        "Pick a computation that students can do mentally but not instantly. 29 + 14 invites "
                        "rounding, splitting by place value and counting on, so the conversation has somewhere "
                        "to go."
                    ),
                ),
                lesson(
                    "Recording what students say",
                    12,
                    "Your board is the class's shared memory.",
                    p(
                        "Write each strategy exactly as the student describes it, with an open number line or an "
                        "equation string. Name strategies after their authors for a day or two: “Sam's way”.",
                        "Ask the class to restate a strategy before you record it. That keeps everyone listening.",
                    )
                    + callout("Photograph your board after each talk and keep a week of them side by side."),
                ),
                lesson(
                    "Planning your first week",
                    15,
                    "Five short launches that build on each other.",
                    p(
                        "Start with dot images on Monday, move to a number talk on Tuesday and Wednesday, and try "
                        "a short string on Thursday. Friday is for students to choose the strategy they liked best."
                    )
                    + reflection("Write the first number talk problem you will use, and two strategies you expect."),
                ),
            ],
        ),
    ],
}

PROBES = {
    "slug": "formative-probes",
    "title": "Formative probes: seeing student thinking",
    "summary": "Short, focused tasks that show how a student is thinking about a High Leverage Concept, and "
    "what to do with what you see.",
    "description": "<p>A probe is one or two carefully chosen problems, given to everyone, sorted by strategy "
    "rather than by score. You will give a probe, sort the work with colleagues and plan small groups from it.</p>",
    "outcomes": "Give a probe tied to a High Leverage Concept\nSort student work by strategy with the Work Sort "
    "protocol\nPlan menu activities and small groups from the sort",
    "access_level": "members",
    "price_cents": 0,
    "pd_hours": 4,
    "estimated_hours": 4,
    "grade_bands": ["3-5"],
    "concepts": [("3", "Fractions as numbers"), ("4", "Equivalent fractions")],
    "topics": ["formative-assessment", "mtss"],
    "facilitators": [
        ("Daniel Okafor", "Intervention specialist", "Daniel supports tier 2 planning in grades 3-5."),
        ("Priya Natarajan", "District math coordinator", ""),
    ],
    "modules": [
        (
            "What a probe shows",
            "Probes look at thinking, not just answers.",
            None,
            [
                lesson(
                    "Answers versus strategies",
                    10,
                    "Two right answers can hide very different understanding.",
                    p(
                        "One student places 3/4 on the number line by counting three jumps of a quarter. Another "
                        "finds the halfway point and then halves again. Both are right; only one of them is ready "
                        "to compare 3/4 and 5/8 without a picture.",
                    ),
                ),
                lesson(
                    "Anatomy of a probe",
                    12,
                    "Why probes are short and why every student takes the same one.",
                    p(
                        "A probe is short so it can be given often, and common so the results can be compared. It "
                        "asks students to show or explain, never only to circle."
                    )
                    + check(
                        "Which of these makes a good probe item?",
                        (
                            "Place 2/3 on this number line and explain how you knew where",
                            True,
                            "Yes: the explanation shows the strategy, not just the answer.",
                        ),
                        (
                            "Circle the larger fraction: 2/3 or 3/4",
                            False,
                            "A student can guess right half of the time, and you learn nothing about why.",
                        ),
                        (
                            "Twenty fraction problems in five minutes",
                            False,
                            "Speed drills measure fluency, not the thinking a probe is after.",
                        ),
                    )
                    + reflection("Which concept in your grade would you probe first, and why?"),
                    rule="activities",
                ),
            ],
        ),
        (
            "Sorting the work",
            "The Work Sort protocol, step by step.",
            None,
            [
                lesson(
                    "Running a Work Sort",
                    15,
                    "Sort by strategy, then name each pile.",
                    p(
                        "Spread the papers out. Sort by how students thought, not whether they were right. Name "
                        "each pile by its strategy, then order the piles from least to most efficient."
                    )
                    + structure(
                        "closure",
                        closure="Give the probe as an exit ticket on Tuesday; sort on Wednesday.",
                    )
                    + callout("Sort with one colleague. Four eyes find strategies two eyes miss.", "Try it this week"),
                ),
                lesson(
                    "From piles to small groups",
                    15,
                    "Each pile suggests a next step.",
                    p(
                        "The piles tell you who needs a model, who needs practice and who is ready for a harder "
                        "number. Those become your menu choices and your teacher table for the week."
                    ),
                ),
            ],
        ),
        (
            "Closing the loop",
            "Use the next probe to see whether the plan worked.",
            7,
            [
                lesson(
                    "Reprobe and compare",
                    12,
                    "Give a parallel probe two weeks later.",
                    p("Use the same task with different numbers and compare the piles with the first sort."),
                ),
                lesson(
                    "Sharing results with your team",
                    10,
                    "A rapid cycle of inquiry: try, gather, share, revise.",
                    p("Bring both sorts to your next team meeting and tell the story of one student's growth.")
                    + reflection("What will you change in your next cycle?"),
                ),
            ],
        ),
    ],
}

MENU = {
    "slug": "designing-a-math-menu",
    "title": "Designing a Math Menu",
    "summary": "Build a week of differentiated practice that runs itself, so you can teach small groups "
    "while everyone else works on what they need.",
    "description": "<p>The Math Menu is the part of the block where students practise at their own level and "
    "the teacher meets small groups. This course helps you design the menu, teach the routines and keep it "
    "fresh.</p>",
    "outcomes": "Design menu activities tied to High Leverage Concepts\nTeach students to choose and run menu "
    "activities independently\nSchedule small groups from formative evidence",
    "access_level": "paid",
    "price_cents": 4900,
    "pd_hours": 6,
    "estimated_hours": 5,
    "grade_bands": ["k-2", "3-5"],
    "concepts": [("2", "Add and subtract within 1,000")],
    "topics": ["mtss", "addition-subtraction"],
    "facilitators": [("Leah Brooks", "Grade 2 teacher and menu designer", "")],
    "modules": [
        (
            "What goes on a menu",
            "Must-dos, may-dos, and the teacher table.",
            None,
            [
                lesson(
                    "The parts of a menu",
                    12,
                    "A few must-dos, a few may-dos and a place to meet the teacher.",
                    p(
                        "Every student does the must-dos; the may-dos give choice. Keep the menu small enough that "
                        "students can remember it without reading it."
                    )
                    + structure(
                        "menu",
                        menu="Two must-dos tied to this week's concept, three may-do games, one teacher table.",
                    ),
                ),
                lesson(
                    "Choosing activities",
                    15,
                    "Games and tasks that practise the concept, not just fill time.",
                    p(
                        "A good menu activity practises the week's concept, can be played with a partner and has a "
                        "way to record what students did."
                    )
                    + check(
                        "Which activity belongs on a grade 2 menu this week (adding within 1,000)?",
                        (
                            "A place-value game where partners build and add three-digit numbers",
                            True,
                            "Yes: it practises the concept and partners check each other.",
                        ),
                        ("A colouring page", False, "It keeps students busy but practises no math."),
                        (
                            "A worksheet of single-digit facts",
                            False,
                            "Facts matter, but this week's concept is three-digit addition.",
                        ),
                    )
                    + reflection(
                        "List the activities on your current menu and mark which ones practise a High Leverage Concept."
                    ),
                    rule="activities",
                ),
            ],
        ),
        (
            "Launching the menu with students",
            "Teach the routines before you teach from the table.",
            None,
            [
                lesson(
                    "The first two weeks",
                    15,
                    "Introduce one activity a day.",
                    p(
                        "Introduce one activity per day and practise moving between activities. Only start small "
                        "groups when the room runs without you."
                    )
                    + callout("Time the transitions and let students try to beat their record."),
                ),
                lesson(
                    "Keeping it fresh",
                    10,
                    "Rotate activities as concepts change.",
                    p("Swap one activity a week. Keep the routines, change the numbers."),
                ),
            ],
        ),
    ],
}

COURSES = [LAUNCH, PROBES, MENU]


def _build(catalogue: CourseIndexPage, spec: dict) -> CoursePage:
    from resources.models import HighLeverageConcept, Topic

    course = CoursePageFactory(
        parent=catalogue,
        title=spec["title"],
        slug=spec["slug"],
        summary=spec["summary"],
        description=spec["description"],
        outcomes=spec["outcomes"],
        access_level=spec["access_level"],
        price_cents=spec["price_cents"],
        pd_hours=spec["pd_hours"],
        estimated_hours=spec["estimated_hours"],
        grade_bands=spec["grade_bands"],
    )
    course.concepts.set(
        [
            c
            for code, title in spec["concepts"]
            for c in HighLeverageConcept.objects.filter(grade__code=code, title=title)
        ]
    )
    course.topics.set(Topic.objects.filter(slug__in=spec["topics"]))
    for order, (name, role, bio) in enumerate(spec["facilitators"]):
        CourseFacilitatorFactory(course=course, name=name, role=role, bio=bio, sort_order=order)
    course.save_revision().publish()
    for m, (title, summary, release, lessons) in enumerate(spec["modules"], start=1):
        module = ModulePageFactory(
            parent=course, title=title, slug=f"module-{m}", summary=summary, release_after_days=release
        )
        for item in lessons:
            LessonPageFactory(
                parent=module,
                title=item["title"],
                estimated_minutes=item["minutes"],
                summary=item["summary"],
                body=item["body"],
                completion_rule=item["rule"],
            )
    return course


def _complete(user, lessons, how_many: int) -> None:
    from . import services

    for item in lessons[:how_many]:
        services.lesson_complete(user=user, lesson=item)


def seed(*, stdout) -> None:
    from members.models import User

    from . import services

    catalogue = CourseIndexPage.objects.first()
    if catalogue is None:
        stdout.write("No course catalogue page; skipped demo courses")
        return
    made = 0
    for spec in COURSES:
        if not CoursePage.objects.filter(slug=spec["slug"]).exists():
            _build(catalogue, spec)
            made += 1
    if made:
        stdout.write(f"Created {made} demo courses")
    # Launch routines requires nothing; the Math Menu course builds on it.
    menu = CoursePage.objects.get(slug="designing-a-math-menu")
    launch = CoursePage.objects.get(slug="launch-routines")
    probes = CoursePage.objects.get(slug="formative-probes")
    if not menu.prerequisites.exists():
        menu.prerequisites.add(launch)
        menu.save_revision().publish()

    users = {
        u.email: u
        for u in User.objects.filter(
            email__in=["teacher@example.org", "member@example.org", "seat.teacher@example.org"]
        )
    }

    def lessons_of(course):
        return list(LessonPage.objects.descendant_of(course).live().order_by("path"))

    teacher = users.get("teacher@example.org")
    if teacher and not Enrollment.objects.filter(user=teacher, course=launch).exists():
        services.enrollment_create(user=teacher, course=launch)
        _complete(teacher, lessons_of(launch), 1)
    member = users.get("member@example.org")
    if member and not Enrollment.objects.filter(user=member, course=probes).exists():
        services.enrollment_create(user=member, course=probes)
        # Enrolled ten days ago, so the drip module (day 7) is open.
        Enrollment.objects.filter(user=member, course=probes).update(
            enrolled_at=timezone.now() - timezone.timedelta(days=10)
        )
        lessons = lessons_of(probes)
        _complete(member, lessons, len(lessons) // 2)
    seat = users.get("seat.teacher@example.org")
    if seat and not Enrollment.objects.filter(user=seat, course=launch).exists():
        enrollment = services.enrollment_create(user=seat, course=launch)
        lessons = lessons_of(launch)
        _complete(seat, lessons, len(lessons))
        # The seeder runs in one transaction, so issue the certificate now rather than after commit.
        services.certificate_issue(enrollment_id=enrollment.pk)
    _seed_district_learners(launch, probes, lessons_of)
    stdout.write("Demo learners enrolled: teacher (1 lesson), member (half-way), seat teacher (completed)")


def _seed_district_learners(launch, probes, lessons_of) -> None:
    """Riverside's teachers at different stages, so the leader's dashboard tells a story."""
    from members.demo import DISTRICT_TEACHERS
    from members.models import User

    from . import services

    stages = [(launch, 3), (probes, 2), (launch, 0)]
    emails = [email for email, *_ in DISTRICT_TEACHERS]
    for user, (course, done) in zip(User.objects.filter(email__in=emails).order_by("email"), stages, strict=False):
        if Enrollment.objects.filter(user=user, course=course).exists():
            continue
        services.enrollment_create(user=user, course=course)
        _complete(user, lessons_of(course), done)


def reset(*, stdout) -> None:
    for course in CoursePage.objects.filter(slug__in=DEMO_SLUGS):
        course.delete()
    stdout.write("Removed demo courses")
