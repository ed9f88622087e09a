"""Every document download goes through members.access; member files never leak."""

import importlib
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from wagtail.models import Collection, CollectionViewRestriction

from resources.factories import DocumentFactory, ResourceFileFactory, ResourcePageFactory
from resources.models import DownloadLog, ResourceAccess

from .conftest import first_document

pytestmark = pytest.mark.django_db


def _served(response) -> bool:
    return response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.fixture
def who(request, user, member, seat_teacher, staff):
    return {"anonymous": None, "free": user, "member": member, "seat": seat_teacher, "staff": staff}


MATRIX = [
    # (who, file access level, served?)
    ("anonymous", "free", False),
    ("anonymous", "members", False),
    ("free", "free", True),
    ("free", "members", False),
    ("member", "free", True),
    ("member", "members", True),
    ("seat", "free", True),
    ("seat", "members", True),
    ("staff", "free", True),
    ("staff", "members", True),
]


@pytest.mark.parametrize(("person", "level", "served"), MATRIX)
def test_download_access_matrix(client, who, free_resource, member_resource, person, level, served):
    resource = free_resource if level == "free" else member_resource
    document = first_document(resource)
    if who[person] is not None:
        client.force_login(who[person])

    response = client.get(document.url)

    assert _served(response) is served
    if served:
        assert DownloadLog.objects.filter(user=who[person], document=document, resource=resource).count() == 1
    elif person == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert parse_qs(urlparse(response["Location"]).query)["next"] == [document.url]
    else:
        assert response.status_code == 403
        body = response.content.decode()
        assert "This is for members" in body
        assert reverse("members:join") in body
        assert resource.url in body  # a link back to the resource
        assert DownloadLog.objects.count() == 0


def test_course_level_file_needs_course_or_membership(client, library, user, member):
    resource = ResourcePageFactory(parent=library, access_level=ResourceAccess.COURSE)
    document = ResourceFileFactory(page=resource).document

    client.force_login(user)
    refused = client.get(document.url)
    assert refused.status_code == 403
    assert "Enroll in the course" in refused.content.decode()

    client.force_login(member)
    assert _served(client.get(document.url))


def test_refused_page_has_site_layout_and_403(client, user, member_resource):
    client.force_login(user)
    response = client.get(first_document(member_resource).url)
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["resources/download_refused.html", "base.html"]
    assert "Membership required" in response.content.decode()


def test_freshly_created_resource_document_is_gated(client, library, user):
    """The reference index is refreshed on page save, so a new member file is gated at once."""
    document = DocumentFactory(title="Brand new HLA")
    client.force_login(user)
    assert _served(client.get(document.url))  # not used anywhere yet: the public collection decides

    resource = ResourcePageFactory(parent=library, access_level=ResourceAccess.MEMBERS)
    ResourceFileFactory(page=resource, document=document)

    assert client.get(document.url).status_code == 403


def test_document_in_member_body_is_gated_too(client, library, user):
    """A file linked from the body (not the files list) follows the same resource's access."""
    document = DocumentFactory(title="Linked from the body")
    ResourcePageFactory(
        parent=library,
        access_level=ResourceAccess.MEMBERS,
        body=[("document", {"document": document, "label": "Recording sheet"})],
    )
    client.force_login(user)
    assert client.get(document.url).status_code == 403


def test_document_without_resource_follows_collection_privacy(client, library, user):
    """Documents with no live gated page follow their collection's privacy."""
    root = Collection.get_first_root_node()
    private = root.add_child(name="Staff only")
    CollectionViewRestriction.objects.create(collection=private, restriction_type=CollectionViewRestriction.LOGIN)
    document = DocumentFactory(title="Loose handout", collection=private)

    assert client.get(document.url).status_code == 302  # anonymous: login required by the collection
    client.force_login(user)
    assert _served(client.get(document.url))
    assert DownloadLog.objects.count() == 0  # not a library download


def test_mismatched_id_and_filename_is_404_and_other_doc_stays_gated(client, user, free_resource, member_resource):
    free_doc = first_document(free_resource)
    member_doc = first_document(member_resource)
    client.force_login(user)

    # The free document's filename with the member document's id (and vice versa) is not a document.
    mixed = reverse("wagtaildocs_serve", args=[member_doc.pk, free_doc.filename])
    assert client.get(mixed).status_code == 404
    mixed_back = reverse("wagtaildocs_serve", args=[free_doc.pk, member_doc.filename])
    assert client.get(mixed_back).status_code == 404
    # Guessing the member document's real URL from the free one's still meets the gate.
    assert client.get(member_doc.url).status_code == 403
    assert client.get(free_doc.url).status_code == 200


@pytest.fixture
def debug_urlconf(settings):
    """The URLconf as `runserver` builds it with DEBUG on (media helpers included)."""
    import aln_site.urls

    settings.DEBUG = True
    importlib.reload(aln_site.urls)
    settings.ROOT_URLCONF = "aln_site.urls"
    yield
    settings.DEBUG = False
    importlib.reload(aln_site.urls)


def test_raw_media_path_never_serves_documents(client, debug_urlconf, settings, member, member_resource):
    document = first_document(member_resource)
    raw = settings.MEDIA_URL + document.file.name
    assert raw.startswith("/media/documents/")
    assert (settings.MEDIA_ROOT / document.file.name).exists()  # the file is there on disk …

    client.force_login(member)  # … and not even a member gets it by its raw path
    response = client.get(raw)
    assert response.status_code == 404
    assert not getattr(response, "streaming", False)
    assert b"%PDF" not in response.content
    # The same file through the serve view works for a member, so the 404 is the media rule.
    assert _served(client.get(document.url))


def test_raw_media_path_would_serve_images(client, debug_urlconf, settings):
    """Control: the dev URLconf does serve image files, so the test above can fail."""
    folder = settings.MEDIA_ROOT / "original_images"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "probe.txt").write_text("image stand-in")
    assert client.get(settings.MEDIA_URL + "original_images/probe.txt").status_code == 200


def test_each_download_is_logged(client, member, free_resource):
    document = first_document(free_resource)
    client.force_login(member)
    for _ in range(3):
        assert _served(client.get(document.url))
    logs = DownloadLog.objects.filter(user=member)
    assert logs.count() == 3
    assert {log.resource_id for log in logs} == {free_resource.pk}


def test_resource_page_shows_its_own_download_count(client, member, free_resource, member_resource):
    client.force_login(member)
    for _ in range(2):
        assert _served(client.get(first_document(free_resource).url))
    assert _served(client.get(first_document(member_resource).url))
    html = client.get(free_resource.url).content.decode()
    assert "<dt>Downloads</dt><dd>2</dd>" in html
    html = client.get(member_resource.url).content.decode()
    assert "<dt>Downloads</dt><dd>1</dd>" in html


def test_unpublished_or_draft_member_resource_keeps_its_file_gated(client, library, user, member):
    resource = ResourcePageFactory(parent=library, access_level=ResourceAccess.MEMBERS)
    document = ResourceFileFactory(page=resource).document
    resource.unpublish()
    client.force_login(user)
    assert client.get(document.url).status_code == 403

    draft = ResourcePageFactory(parent=library, access_level=ResourceAccess.MEMBERS, live=False)
    draft_document = ResourceFileFactory(page=draft).document
    assert client.get(draft_document.url).status_code == 403
    client.force_login(member)
    assert _served(client.get(draft_document.url))


def test_served_documents_are_never_stored_by_shared_caches(client, member, member_resource):
    client.force_login(member)
    response = client.get(first_document(member_resource).url)
    assert _served(response)
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
