import pytest


@pytest.fixture
def library(home_page):
    from resources.factories import ResourceIndexPageFactory

    return ResourceIndexPageFactory(parent=home_page)


@pytest.fixture
def free_resource(library):
    from resources.factories import ResourceFileFactory, ResourcePageFactory
    from resources.models import ResourceAccess

    page = ResourcePageFactory(parent=library, title="Fraction Pairs game", access_level=ResourceAccess.FREE)
    ResourceFileFactory(page=page, document__title="Fraction Pairs cards")
    return page


@pytest.fixture
def member_resource(library):
    from resources.factories import ResourceFileFactory, ResourcePageFactory
    from resources.models import ResourceAccess

    page = ResourcePageFactory(
        parent=library, title="Grade 3 multiplication probe", access_level=ResourceAccess.MEMBERS
    )
    ResourceFileFactory(page=page, document__title="Multiplication probe")
    return page


def first_document(resource):
    return resource.files.select_related("document").first().document
