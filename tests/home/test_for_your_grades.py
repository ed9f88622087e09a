"""Issue 16: the grades on a teacher's profile put a "For your grades" shelf first on the home page."""

import pytest

from courses.factories import CourseIndexPageFactory, CoursePageFactory
from home.factories import ConceptIndexPageFactory, ConceptPageFactory
from resources.factories import ResourceIndexPageFactory, ResourcePageFactory
from taxonomy.factories import GradeFactory, HighLeverageConceptFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf_content(home_page):
    grade_2 = GradeFactory(code="2", name="Grade 2", band="k-2")
    grade_6 = GradeFactory(code="6", name="Grade 6", band="6-8")
    library = ResourceIndexPageFactory(parent=home_page)
    catalogue = CourseIndexPageFactory(parent=home_page)
    return {
        "r2": ResourcePageFactory(parent=library, title="Make ten with ten frames", grades=[grade_2]),
        "r6": ResourcePageFactory(parent=library, title="Ratio tables", grades=[grade_6]),
        "c2": CoursePageFactory(parent=catalogue, title="Early number sense", grade_bands=["k-2"]),
        "c6": CoursePageFactory(parent=catalogue, title="Proportional reasoning", grade_bands=["6-8"]),
    }


def _shelf(html: str) -> str:
    start = html.index('id="for-your-grades"')
    return html[start : html.index("</section>", start)]


def test_home_page_puts_a_shelf_for_her_grades_first(client, home_page, shelf_content, user):
    user.grades_taught = ["2"]
    user.save()
    client.force_login(user)
    html = client.get(home_page.url).content.decode()
    assert "For your grades: Grade 2" in html
    shelf = _shelf(html)
    assert "Make ten with ten frames" in shelf and "Early number sense" in shelf
    assert "Ratio tables" not in shelf and "Proportional reasoning" not in shelf
    # First after the hero: before every other shelf.
    assert html.index('id="for-your-grades"') < html.index('id="courses-heading"')


def test_shelf_leads_to_the_concept_hubs_of_her_grades(client, home_page, shelf_content, user):
    from taxonomy.models import Grade

    index = ConceptIndexPageFactory(parent=home_page)
    grade_2, grade_6 = Grade.objects.get(code="2"), Grade.objects.get(code="6")
    within_1000 = ConceptPageFactory(
        parent=index, concept=HighLeverageConceptFactory(grade=grade_2, title="Add and subtract within 1,000")
    )
    ConceptPageFactory(parent=index, concept=HighLeverageConceptFactory(grade=grade_6, title="Ratios and rates"))
    ConceptPageFactory(
        parent=index, concept=HighLeverageConceptFactory(grade=grade_2, title="Measure lengths"), live=False
    )
    user.grades_taught = ["2"]
    user.save()
    client.force_login(user)

    shelf = _shelf(client.get(home_page.url).content.decode())
    assert f'href="{within_1000.url}"' in shelf
    assert "Ratios and rates" not in shelf and "Measure lengths" not in shelf


@pytest.mark.parametrize("who", ["anonymous", "no grades"])
def test_visitors_and_teachers_without_grades_see_the_usual_home_page(client, home_page, shelf_content, user, who):
    if who == "no grades":
        user.grades_taught = []
        user.save()
        client.force_login(user)
    html = client.get(home_page.url).content.decode()
    assert "For your grades" not in html
    assert 'id="courses-heading"' in html


def test_grades_phrase_reads_like_a_heading(user):
    for codes, phrase in ((["2"], "Grade 2"), (["K"], "Kindergarten"), (["2", "K", "1"], "Grades K, 1 and 2")):
        user.grades_taught = codes
        assert user.grades_phrase == phrase


def _my_learning_shelf(html: str) -> str:
    start = html.index('id="your-grades"')
    return html[start : html.index("</section>", start)]


def test_my_learning_has_a_shelf_for_her_grades(client, home_page, shelf_content, user):
    user.grades_taught = ["2"]
    user.save()
    client.force_login(user)
    html = client.get("/my-learning/").content.decode()
    shelf = _my_learning_shelf(html)
    assert "For your grades: Grade 2" in shelf and "Change your grades" in shelf
    assert "Make ten with ten frames" in shelf and "Early number sense" in shelf
    assert "Ratio tables" not in shelf and "Proportional reasoning" not in shelf


def test_my_learning_has_no_grade_shelf_without_grades(client, home_page, shelf_content, user):
    user.grades_taught = []
    user.save()
    client.force_login(user)
    assert 'id="your-grades"' not in client.get("/my-learning/").content.decode()
