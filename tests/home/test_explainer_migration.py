"""home/0011: a hub's explainer link and transcript move into the video block; nothing is lost."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from home.factories import ConceptIndexPageFactory, ConceptPageFactory, site_home
from home.models import ConceptPage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("home", "0010_video_block_and_what_now")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_explainer_link_and_transcript_become_a_video_block():
    hub = ConceptPageFactory(parent=ConceptIndexPageFactory(parent=site_home()))
    plain = ConceptPageFactory(parent=hub.get_parent())

    old = _migrate(BEFORE)
    old.get_model("home", "ConceptPage").objects.filter(pk=hub.pk).update(
        explainer_video="https://vimeo.com/76979871", explainer_transcript="Eight and two make ten.\nThen 8 + 7."
    )
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    video = ConceptPage.objects.get(pk=hub.pk).explainer[0]
    assert video.block_type == "video"
    assert video.value["embed"].url == "https://vimeo.com/76979871"
    assert video.value["transcript"].source == "<p>Eight and two make ten.<br>Then 8 + 7.</p>"
    assert not ConceptPage.objects.get(pk=plain.pk).explainer  # no link, no block
