"""Issue 16: articles end with "What now?" next steps; the printable version adds a QR code per link."""

import base64
import re

import pytest
from wagtail.blocks.struct_block import StructBlockValidationError

from core.blocks import NextStepBlock
from home.factories import ArticleIndexPageFactory, ArticlePageFactory
from resources.factories import ResourcePageFactory

pytestmark = pytest.mark.django_db

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def article(home_page):
    index = ArticleIndexPageFactory(parent=home_page)
    target = ArticlePageFactory(parent=index, title="Running a Work Sort", slug="work-sort")
    return ArticlePageFactory(
        parent=index,
        title="Why number strings work",
        slug="number-strings",
        body=[("paragraph", '<p>See <a href="https://example.org/strings">the routine</a>.</p>')],
        what_now=[
            (
                "what_now",
                {
                    "heading": "What now?",
                    "steps": [
                        {"title": "", "page": target, "url": "", "note": "Sort tomorrow's exit tickets."},
                        {"title": "The probe bank", "page": None, "url": "https://example.org/probes", "note": ""},
                    ],
                },
            )
        ],
    ), target


def test_article_ends_with_what_now_links_and_a_printable_version_link(client, article):
    page, target = article
    html = client.get(page.url).content.decode()
    assert "What now?" in html
    assert f'href="{target.url}">Running a Work Sort</a>' in html  # a page's title is the default label
    assert 'href="https://example.org/probes">The probe bank</a>' in html
    assert "Sort tomorrow&#x27;s exit tickets." in html
    assert f'href="{page.url}print/">Printable version</a>' in html
    assert "data:image/png" not in html  # QR codes are drawn only for the printable version


def test_print_view_has_a_qr_image_per_link_encoding_the_absolute_url(client, article):
    page, target = article
    response = client.get(page.url + "print/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="print-view"' in html
    qrs = re.findall(
        r'<img class="what-now__qr" src="data:image/png;base64,([^"]+)"[^>]*alt="QR code for ([^"]+)"', html
    )
    assert [alt for _, alt in qrs] == ["Running a Work Sort", "The probe bank"]
    for data, _ in qrs:
        assert base64.b64decode(data).startswith(PNG_MAGIC)
    assert f'href="{page.url}"><span aria-hidden="true">←</span> Back to the article</a>' in html


def test_qr_code_encodes_the_link(client, article):
    from core.qr import qr_data_uri

    page, target = article
    html = client.get(page.url + "print/").content.decode()
    assert qr_data_uri("http://testserver" + target.url) in html
    assert qr_data_uri("https://example.org/probes") in html


def test_resource_has_a_printable_version(client, home_page):
    resource = ResourcePageFactory(title="Make a ten", summary="A game.")
    html = client.get(resource.url).content.decode()
    assert f'href="{resource.url}print/">Printable version</a>' in html
    printed = client.get(resource.url + "print/")
    assert printed.status_code == 200 and 'class="print-view"' in printed.content.decode()


def test_next_step_needs_a_page_or_a_titled_address():
    block = NextStepBlock()
    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"title": "", "page": None, "url": ""}))
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python({"title": "", "page": None, "url": "https://example.org"}))
    assert "title" in refused.value.block_errors


def test_print_stylesheet_hides_chrome_and_shows_link_addresses():
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/site.css"), encoding="utf-8").read()
    start = css.index("@media print")
    print_rules = css[start : css.index("\n}\n", start)]
    hidden = print_rules[: print_rules.index("display: none !important")]
    for selector in (".site-header", ".site-footer", "nav", ".btn", "button"):
        assert selector in hidden
    assert 'content: " (" attr(href) ")"' in print_rules
