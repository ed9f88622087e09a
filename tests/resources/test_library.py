"""Resource pages, My library, save / unsave."""

import pytest
from django.urls import reverse
from wagtail.test.utils import WagtailPageTestCase

from home.models import HomePage
from resources.factories import DownloadLogFactory, RelatedResourceFactory, ResourceFileFactory, ResourcePageFactory
from resources.models import ResourceIndexPage, ResourcePage, SavedResource
from resources.selectors import recent_downloads, saved_resources

from .conftest import first_document

pytestmark = pytest.mark.django_db


class TestPageTree(WagtailPageTestCase):
    def test_tree_rules(self):
        self.assertCanCreateAt(HomePage, ResourceIndexPage)
        self.assertAllowedSubpageTypes(ResourceIndexPage, {ResourcePage})
        self.assertAllowedParentPageTypes(ResourcePage, {ResourceIndexPage})
        self.assertAllowedSubpageTypes(ResourcePage, set())
        self.assertCanNotCreateAt(HomePage, ResourcePage)

    def test_pages_render_and_preview(self):
        from home.factories import site_home
        from resources.factories import ResourceIndexPageFactory

        library = ResourceIndexPageFactory(parent=site_home())
        resource = ResourcePageFactory(parent=library)
        ResourceFileFactory(page=resource)
        self.assertPageIsRenderable(library)
        self.assertPageIsRenderable(resource)
        from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

        post_data = nested_form_data(
            {
                "title": resource.title,
                "slug": resource.slug,
                "summary": "Partners race to make ten.",
                "access_level": "members",
                "body": streamfield([("paragraph", rich_text("<p>Play in pairs.</p>"))]),
                "files": inline_formset([]),
                "related_resources": inline_formset([]),
            }
        )
        self.assertPageIsPreviewable(resource, post_data=post_data)


def test_resource_page_shows_files_with_size_and_type(client, user, free_resource):
    client.force_login(user)
    html = client.get(free_resource.url).content.decode()
    document = first_document(free_resource)
    assert f'href="{document.url}"' in html
    assert "PDF file" in html
    assert "KB" in html or "bytes" in html
    assert "Fraction Pairs cards" in html


def test_member_resource_explains_access_to_a_free_account(client, user, member_resource):
    client.force_login(user)
    html = client.get(member_resource.url).content.decode()
    assert first_document(member_resource).url not in html  # no link to a file she cannot open
    assert "Membership required" in html
    assert reverse("members:join") in html
    assert "locked" in html


def test_anonymous_visitor_is_invited_to_sign_in(client, free_resource):
    html = client.get(free_resource.url).content.decode()
    assert f"{reverse('account_login')}?next={free_resource.url}" in html
    assert "Sign in to download" in html


def test_lesson_part_badges_and_related_resources(client, library, member):
    from taxonomy.factories import LessonPartFactory

    launch = LessonPartFactory(name="Launch", slug="launch")
    resource = ResourcePageFactory(parent=library, title="Image routine: dot cards", lesson_parts=[launch])
    related = ResourcePageFactory(parent=library, title="Number talk planner")
    RelatedResourceFactory(page=resource, resource=related)
    client.force_login(member)
    html = client.get(resource.url).content.decode()
    assert "Used in lesson part: Launch" in html
    assert "Number talk planner" in html


def test_save_and_unsave(client, user, free_resource, library):
    client.force_login(user)
    save_url = reverse("resources:save", args=[free_resource.pk])

    response = client.post(save_url, {"next": library.url})
    assert response.status_code == 302 and response["Location"] == library.url
    client.post(save_url)  # saving twice keeps one entry
    assert SavedResource.objects.filter(user=user, resource=free_resource).count() == 1
    assert [r.pk for r in saved_resources(user=user)] == [free_resource.pk]

    html = client.get(free_resource.url).content.decode()
    assert reverse("resources:unsave", args=[free_resource.pk]) in html

    response = client.post(reverse("resources:unsave", args=[free_resource.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == free_resource.url  # never an open redirect
    assert not SavedResource.objects.filter(user=user).exists()


def test_save_needs_post_csrf_and_sign_in(client, user, free_resource):
    save_url = reverse("resources:save", args=[free_resource.pk])
    assert client.get(save_url).status_code == 405

    response = client.post(save_url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))

    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(save_url).status_code == 403
    assert not SavedResource.objects.exists()


def test_save_unknown_or_draft_resource_is_404(client, user, free_resource):
    client.force_login(user)
    assert client.post(reverse("resources:save", args=[999999])).status_code == 404
    free_resource.unpublish()
    assert client.post(reverse("resources:save", args=[free_resource.pk])).status_code == 404


def test_my_library_lists_saved_and_recent_downloads(client, user, free_resource, member_resource):
    client.force_login(user)
    client.post(reverse("resources:save", args=[member_resource.pk]))
    assert client.get(first_document(free_resource).url).status_code == 200

    response = client.get(reverse("resources:my_library"))
    html = response.content.decode()
    assert response.status_code == 200
    assert member_resource.title in html
    assert "Fraction Pairs cards" in html  # the downloaded file
    assert [log.resource_id for log in recent_downloads(user=user)] == [free_resource.pk]


def test_my_library_requires_sign_in(client):
    response = client.get(reverse("resources:my_library"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_recent_downloads_limit_and_order(user, free_resource):
    document = first_document(free_resource)
    logs = [DownloadLogFactory(user=user, document=document, resource=free_resource) for _ in range(7)]
    assert [log.pk for log in recent_downloads(user=user, limit=5)] == [log.pk for log in reversed(logs)][:5]


def test_saved_resources_hides_unpublished(user, free_resource, member_resource):
    SavedResource.objects.create(user=user, resource=free_resource)
    SavedResource.objects.create(user=user, resource=member_resource)
    member_resource.unpublish()
    assert saved_resources(user=user) == [free_resource]


def test_course_resource_links_its_course(client, library, user):
    from courses.factories import CoursePageFactory

    course = CoursePageFactory()
    resource = ResourcePageFactory(parent=library, access_level="course", courses=[course])
    ResourceFileFactory(page=resource)
    assert resource.course_ids() == [course.pk]
    client.force_login(user)
    html = client.get(resource.url).content.decode()
    assert course.title in html and "Enroll in the course" in html


def test_every_resources_page_type_has_a_factory():
    from wagtail.models import get_page_models

    import resources.factories as factories

    covered = {
        f._meta.model
        for f in vars(factories).values()
        if isinstance(f, type) and hasattr(f, "_meta") and getattr(f._meta, "model", None)
    }
    page_models = {m for m in get_page_models() if m._meta.app_label == "resources"}
    assert page_models and page_models <= covered


def test_grades_label_compacts_runs(library):
    from taxonomy.factories import GradeFactory

    grades = [GradeFactory(code=c) for c in ("K", "1", "2", "3")]
    assert ResourcePageFactory(parent=library, grades=grades).grades_label == "Grades K-3"
    assert ResourcePageFactory(parent=library, grades=[grades[1], grades[3]]).grades_label == "Grades 1, 3"
    assert ResourcePageFactory(parent=library, grades=[grades[2]]).grades_label == "Grade 2"
