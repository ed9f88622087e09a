"""Editors type dollars, tick checkboxes, set the completion rule beside the body, and get two check options."""

import re

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text

from courses.blocks import CheckForUnderstandingBlock
from courses.models import CoursePage, LessonPage
from taxonomy.factories import HighLeverageConceptFactory, TopicFactory

pytestmark = pytest.mark.django_db


def _course_form(course, staff, **changes):
    form_class = CoursePage.get_edit_handler().get_form_class()
    data = {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "description": rich_text("<p>Menus.</p>"),
        "outcomes": "",
        "pd_hours": "0",
        "estimated_hours": "1",
        "access_level": "paid",
        "price_cents": "49.00",
        "facilitators-TOTAL_FORMS": "0",
        "facilitators-INITIAL_FORMS": "0",
        "facilitators-MIN_NUM_FORMS": "0",
        "facilitators-MAX_NUM_FORMS": "1000",
        **changes,
    }
    return form_class(data, instance=course, parent_page=course.get_parent(), for_user=staff)


def test_the_editor_types_dollars_and_the_course_is_charged_in_cents(client, course_builder, staff, user, fake_stripe):
    from members.models import Order

    course, _ = course_builder(modules=0)
    form = _course_form(course, staff, price_cents="49.00")
    assert form.is_valid(), form.errors
    course = form.save(commit=False)
    course.save_revision().publish()
    course.refresh_from_db()
    assert course.price_cents == 4900

    client.force_login(user)
    html = client.get(course.url).content.decode()
    assert "$49.00" in html
    client.post(reverse("courses:buy", args=[course.pk]))
    assert Order.objects.get(user=user, page=course).amount_cents == 4900
    sent = fake_stripe.last("POST", "/v1/checkout/sessions")
    assert sent.params["line_items"][0]["price_data"]["unit_amount"] == "4900"


def test_the_price_field_shows_dollars_and_refuses_bad_amounts(course_builder, staff):
    course, _ = course_builder(modules=0, access_level="paid", price_cents=1250)
    unbound = CoursePage.get_edit_handler().get_form_class()(
        instance=course, parent_page=course.get_parent(), for_user=staff
    )
    assert 'value="12.50"' in str(unbound["price_cents"])
    for bad in ("-1", "4.999", "forty"):
        form = _course_form(course, staff, price_cents=bad)
        assert not form.is_valid() and "price_cents" in form.errors
    cents = _course_form(course, staff, price_cents="0.5")
    assert cents.is_valid(), cents.errors
    assert cents.cleaned_data["price_cents"] == 50


def test_the_course_editor_uses_checkboxes_for_prerequisites_concepts_and_topics(client, course_builder, staff):
    HighLeverageConceptFactory()
    TopicFactory()
    first, _ = course_builder(title="Number talks", slug="number-talks", modules=0)
    course, _ = course_builder(title="Menus", slug="menus", modules=0)
    client.force_login(staff)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    assert not re.search(r"<select[^>]*multiple", html)
    for name in ("prerequisites", "concepts", "topics", "grade_bands"):
        assert re.search(rf'<input[^>]*type="checkbox"[^>]*name="{name}"', html), name


def test_the_completion_rule_is_on_the_content_tab():
    tabs = {tab.heading: tab for tab in LessonPage.get_edit_handler().children}
    content_fields = tabs["Content"].get_form_options()["fields"]
    assert "completion_rule" in content_fields
    assert all(
        "completion_rule" not in tab.get_form_options().get("fields", []) for h, tab in tabs.items() if h != "Content"
    )


def test_a_new_check_starts_with_two_empty_options():
    options = CheckForUnderstandingBlock().get_default()["options"]
    assert len(options) == 2
    assert [option["text"] for option in options] == ["", ""]
