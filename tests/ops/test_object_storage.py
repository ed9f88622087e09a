"""Media on S3-compatible object storage (moto's server as the stand-in): gated documents stay private.

The choice (docs/deploy.md): documents are streamed through Django after the access check
(WAGTAILDOCS_SERVE_METHOD = "serve_view"), never redirected to a bucket URL, so a link shared by a member
opens nothing for anyone else, and the bucket itself answers no anonymous request.
"""

import urllib.error
import urllib.request

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.models import Collection

from resources.factories import ResourceFileFactory, ResourcePageFactory, pdf_bytes
from resources.models import ResourceAccess

pytestmark = [pytest.mark.django_db, pytest.mark.services]


@pytest.fixture
def s3_media(settings, moto_s3):
    settings.STORAGES = {**settings.STORAGES, "default": moto_s3.storage_settings()}
    return moto_s3


def _anonymous_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_admin_upload_lands_in_the_private_bucket_and_downloads_follow_access(
    client, s3_media, staff, member, user, home_page
):
    body = pdf_bytes("Fraction strips")
    client.force_login(staff)
    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Fraction strips",
            "file": SimpleUploadedFile("fraction-strips.pdf", body, content_type="application/pdf"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    document = get_document_model().objects.get(title="Fraction strips")

    # The file is in the bucket, byte for byte, under documents/.
    s3 = s3_media.client()
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=s3_media.bucket).get("Contents", [])]
    assert keys == [document.file.name]
    assert keys[0].startswith("documents/")
    assert s3.get_object(Bucket=s3_media.bucket, Key=keys[0])["Body"].read() == body

    # A members-only resource uses it.
    from resources.factories import ResourceIndexPageFactory

    library = ResourceIndexPageFactory(parent=home_page)
    page = ResourcePageFactory(parent=library, title="Fractions kit", access_level=ResourceAccess.MEMBERS)
    ResourceFileFactory(page=page, document=document)

    # A member downloads it through the access check: streamed by Django from the bucket, never redirected.
    client.force_login(member)
    served = client.get(document.url)
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == body
    assert "private" in served["Cache-Control"]

    # A free account is refused, and the refusal carries nothing of the file.
    client.force_login(user)
    refused = client.get(document.url)
    assert refused.status_code == 403
    assert b"%PDF" not in refused.content

    # The object answers no anonymous request, and neither the bucket's ACL nor the object's grants anything
    # to everyone (moto does not enforce ACLs on anonymous listings, so the bucket is checked by its ACL).
    assert _anonymous_status(f"{s3_media.endpoint}/{s3_media.bucket}/{keys[0]}") == 403
    all_users = "http://acs.amazonaws.com/groups/global/AllUsers"
    for acl in (s3.get_bucket_acl(Bucket=s3_media.bucket), s3.get_object_acl(Bucket=s3_media.bucket, Key=keys[0])):
        assert all(grant["Grantee"].get("URI") != all_users for grant in acl["Grants"])


def test_images_get_short_lived_signed_urls(s3_media, settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("images/probe.txt", ContentFile(b"img"))
    url = default_storage.url(name)
    assert "X-Amz-Expires=300" in url or "Expires=" in url
    # The signed URL opens it; the same URL without the signature does not.
    assert _anonymous_status(url) == 200
    assert _anonymous_status(url.split("?")[0]) == 403
